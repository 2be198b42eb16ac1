package io.tracingplatform.yaml;

/** A position in a source file, 1-based, as editors and compilers print it. */
public record Location(int line, int column) {
    public static final Location UNKNOWN = new Location(0, 0);

    public boolean known() {
        return line > 0;
    }

    @Override
    public String toString() {
        return known() ? line + ":" + column : "";
    }
}
