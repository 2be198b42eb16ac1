package io.tracingplatform.real;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The real-server suite's record, {@code platform/target/real/summary.json}: one entry per check, written anew after
 * each one (a crashed run still leaves what it did), printed as a table when the run ends ({@link SummaryTable}).
 */
public final class Summary {
    /** Where the summary goes; surefire runs in the repository root. */
    public static final Path FILE = Path.of("platform", "target", "real", "summary.json");

    /**
     * One check.
     *
     * @param check what was checked, dotted ({@code otelcol.validate}, {@code kube.apply}, ...)
     * @param program the real program that judged it
     * @param version its version
     * @param stack the stack whose render was the input ("-" when none)
     * @param input the file or object given to the program
     * @param expect "accept" or "reject" (negative control)
     * @param result "pass", "fail", or "not-run" (could not run here; detail says why; never counted as passed)
     * @param detail what the program said, briefly
     */
    public record Entry(String check, String program, String version, String stack, String input, String expect,
                        String result, String detail) {}

    private static final List<Entry> ENTRIES = new ArrayList<>();
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Summary() {}

    public static synchronized void record(Entry e) {
        ENTRIES.add(e);
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, JSON.writeValueAsString(ENTRIES) + "\n");
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    public static synchronized List<Entry> entries() {
        return List.copyOf(ENTRIES);
    }
}
