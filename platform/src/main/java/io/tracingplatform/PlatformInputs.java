package io.tracingplatform;

import io.tracingplatform.config.StackSettings;
import java.util.Objects;

/**
 * Everything the program is a function of, validated before any resource is registered.
 *
 * @param settings the stack's settings
 */
public record PlatformInputs(StackSettings settings) {
    public PlatformInputs {
        Objects.requireNonNull(settings, "settings");
    }
}
