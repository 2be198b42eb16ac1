package io.tracingplatform;

import io.tracingplatform.config.StackSettings;
import io.tracingplatform.tenants.Tenant;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * Everything the program is a function of, validated before any resource is registered.
 *
 * @param settings the stack's settings
 * @param tenants the tenants that join this stack, sorted by id, every value resolved
 * @param today the UTC day the program runs for, read once at program input (App.load): what a credential rotation
 *     window is judged against, so a plan is a function of its inputs and tests can set the day
 */
public record PlatformInputs(StackSettings settings, List<Tenant> tenants, LocalDate today) {
    public PlatformInputs {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(today, "today");
        tenants = List.copyOf(tenants);
    }
}
