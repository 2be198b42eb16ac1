package io.tracingplatform.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Input the program cannot run with: every problem found, not just the first. Both engines stop on it
 * before any resource is registered, so a mistake never yields a partial deployment.
 */
public final class InvalidInputException extends RuntimeException {
    private final List<Problem> problems;

    public InvalidInputException(String summary, List<Problem> problems) {
        super(summary + System.lineSeparator()
                + problems.stream().map(p -> "  " + p.describe()).collect(Collectors.joining(System.lineSeparator())));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
