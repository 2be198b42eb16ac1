package io.tracingplatform.config;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in tenant files and Tempo writes them in config: one or more
 * number+unit parts ({@code 14d}, {@code 336h}, {@code 1h30m}, {@code 500ms}); units w, d, h, m, s, ms.
 */
public final class Durations {
    public static final Pattern SYNTAX = Pattern.compile("(\\d+(w|d|h|ms|m|s))+");
    private static final Pattern PART = Pattern.compile("(\\d+)(w|d|h|ms|m|s)");

    private Durations() {}

    public static Optional<Duration> parse(String text) {
        if (text == null || !SYNTAX.matcher(text).matches()) return Optional.empty();
        Duration total = Duration.ZERO;
        Matcher m = PART.matcher(text);
        while (m.find()) {
            long n;
            try {
                n = Long.parseLong(m.group(1));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
            total = total.plus(switch (m.group(2)) {
                case "w" -> Duration.ofDays(7 * n);
                case "d" -> Duration.ofDays(n);
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                case "s" -> Duration.ofSeconds(n);
                default -> Duration.ofMillis(n);
            });
        }
        return Optional.of(total);
    }

    /** The form Tempo (Go's time.ParseDuration) accepts: hours at most, e.g. 336h0m0s becomes "336h". */
    public static String toGo(Duration d) {
        if (d.isZero()) return "0s";
        var sb = new StringBuilder();
        long hours = d.toHours();
        if (hours > 0) sb.append(hours).append('h');
        if (d.toMinutesPart() > 0) sb.append(d.toMinutesPart()).append('m');
        if (d.toSecondsPart() > 0) sb.append(d.toSecondsPart()).append('s');
        if (d.toMillisPart() > 0) sb.append(d.toMillisPart()).append("ms");
        return sb.toString();
    }

    /** Short human form: whole days as "14d", else the Go form. */
    public static String human(Duration d) {
        if (!d.isZero() && d.toHoursPart() == 0 && d.toMinutesPart() == 0 && d.toSecondsPart() == 0 && d.toMillisPart() == 0) {
            return d.toDays() + "d";
        }
        return toGo(d);
    }
}
