package io.tracingplatform.yaml;

/**
 * A YAML file that cannot be read safely (syntax error, hazard such as an alias or a second document).
 * Carries the file, the position and a fix, so a user never sees a parser stack trace.
 */
public final class YamlProblem extends Exception {
    private final String file;
    private final Location location;
    private final String path;
    private final String fix;

    public YamlProblem(String file, Location location, String path, String message, String fix) {
        super(message);
        this.file = file;
        this.location = location;
        this.path = path;
        this.fix = fix;
    }

    public String file() { return file; }
    public Location location() { return location; }
    /** Field path inside the document where known, else "" (the whole file). */
    public String path() { return path; }
    public String fix() { return fix; }

    /** {@code file:line:column: message (fix)}, the form compilers use, so editors link to it. */
    public String describe() {
        var where = location.known() ? file + ":" + location : file;
        return where + ": " + (path.isEmpty() ? "" : path + ": ") + getMessage() + (fix.isEmpty() ? "" : " Fix: " + fix);
    }
}
