package io.tracingplatform.config;

import java.time.Duration;
import java.util.Optional;

/**
 * Tail sampling of one tenant at the gateway.
 *
 * @param enabled false: every trace is kept ({@code sampling: none})
 * @param keepErrors keep every trace with an error span
 * @param keepSlowerThan keep every trace longer than this
 * @param keepPercent percentage of the remaining traces kept (0..100)
 */
public record Sampling(boolean enabled, boolean keepErrors, Optional<Duration> keepSlowerThan, double keepPercent) {
    public static final Sampling NONE = new Sampling(false, true, Optional.empty(), 100);
    public static final double DEFAULT_KEEP_PERCENT = 10;

    public Sampling {
        if (keepPercent < 0 || keepPercent > 100) throw new IllegalArgumentException("sampling.keepPercent: " + keepPercent);
    }

    public String describe() {
        if (!enabled) return "none";
        return (keepErrors ? "errors, " : "") + keepSlowerThan.map(d -> ">" + Durations.human(d) + ", ").orElse("")
                + ModelNumbers.fmt(keepPercent) + "% of the rest";
    }
}
