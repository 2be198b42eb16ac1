package io.tracingplatform.config;

import io.tracingplatform.yaml.Location;
import io.tracingplatform.yaml.YamlProblem;

/**
 * One thing wrong with an input file: where (file, line, column), which field, what is wrong and how to fix
 * it. Settings and tenant validation both report these, so the CLI prints and serialises them one way.
 *
 * @param file path as the user knows it, relative to the repository root where possible
 * @param location line and column, or {@link Location#UNKNOWN} when the engine does not know it
 * @param field dotted field path ("kubernetes.namespace", "environments.prod.retention"), or "" for the file
 * @param message what is wrong, a sentence
 * @param fix how to fix it: a command or the value to write
 */
public record Problem(String file, Location location, String field, String message, String fix) {
    public static Problem of(YamlProblem e) {
        return new Problem(e.file(), e.location(), e.path(), e.getMessage(), e.fix());
    }

    /** {@code file:line:column: field: message Fix: ...}. */
    public String describe() {
        var where = location.known() ? file + ":" + location : file;
        return where + ": " + (field.isEmpty() ? "" : field + ": ") + message + (fix.isEmpty() ? "" : " Fix: " + fix);
    }
}
