package io.tracingplatform.collector;

import io.tracingplatform.config.GatewaySettings;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which credential generations the gateway accepts on one day. A rotation bumps {@code gateway.credentialGeneration};
 * with {@code gateway.previousCredentialUntil} the previous generation stays accepted through that day (UTC,
 * inclusive), so teams can move to the new credential before the old one stops working. The window is evaluated when
 * the program runs: it closes at the first {@code pulumi up} after its last day, not by itself.
 *
 * @param generation the current generation (teams' Secrets hold its credential)
 * @param previousUntil the last day the previous generation is accepted, when a window was set (open or closed)
 * @param today the UTC day the program runs for (read once, at program input)
 */
public record CredentialWindow(int generation, Optional<LocalDate> previousUntil, LocalDate today) {
    public CredentialWindow {
        if (generation < 1) throw new IllegalArgumentException("generation " + generation + " < 1");
        Objects.requireNonNull(previousUntil, "previousUntil");
        Objects.requireNonNull(today, "today");
    }

    public static CredentialWindow of(GatewaySettings gateway, LocalDate today) {
        return new CredentialWindow(gateway.credentialGeneration(), gateway.previousCredentialUntil(), today);
    }

    /** Whether the previous generation is still accepted today. */
    public boolean open() {
        return generation >= 2 && previousUntil.isPresent() && !today.isAfter(previousUntil.get());
    }

    /** The previous generation, while the window is open. */
    public Optional<Integer> previous() {
        return open() ? Optional.of(generation - 1) : Optional.empty();
    }

    /** The generations the gateway accepts today: the current one first. */
    public List<Integer> accepted() {
        return previous().map(p -> List.of(generation, p)).orElse(List.of(generation));
    }
}
