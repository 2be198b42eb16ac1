package io.tracingplatform;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Upstream reference data in ../shared/reference (CI has it beside the checkout; a user's clone may not). */
public final class Reference {
    public static final Path ROOT = Path.of("..", "shared", "reference");

    private Reference() {}

    /** The file, or the test is skipped with the reason. */
    public static Path require(String relative) {
        Path p = ROOT.resolve(relative);
        Assumptions.assumeTrue(Files.exists(p), "upstream reference data absent (" + p.toAbsolutePath()
                + "): this check runs where ../shared/reference is present, as in CI");
        return p;
    }
}
