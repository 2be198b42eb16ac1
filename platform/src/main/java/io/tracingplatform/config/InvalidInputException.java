package io.tracingplatform.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Input the program cannot run with: every problem found, not just the first. Both engines stop on it
 * before any resource is registered, so a mistake never yields a partial deployment.
 */
public final class InvalidInputException extends RuntimeException {
    private final String summary;
    private final List<Problem> problems;

    public InvalidInputException(String summary, List<Problem> problems) {
        super(summary + System.lineSeparator()
                + problems.stream().map(p -> "  " + p.describe()).collect(Collectors.joining(System.lineSeparator())));
        this.summary = summary;
        this.problems = List.copyOf(problems);
    }

    /** The first line of the message, without the problems (JSON output carries them as a list). */
    public String summary() {
        return summary;
    }

    public List<Problem> problems() {
        return problems;
    }
}
