package io.tracingplatform;

import io.tracingplatform.config.StackSettings;
import io.tracingplatform.tenants.Tenant;
import java.util.List;
import java.util.Objects;

/**
 * Everything the program is a function of, validated before any resource is registered.
 *
 * @param settings the stack's settings
 * @param tenants the tenants that join this stack, sorted by id, every value resolved
 */
public record PlatformInputs(StackSettings settings, List<Tenant> tenants) {
    public PlatformInputs {
        Objects.requireNonNull(settings, "settings");
        tenants = List.copyOf(tenants);
    }
}
