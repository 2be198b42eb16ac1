package io.tracingplatform.real;

import io.tracingplatform.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What {@code ./platformctl render --stack S --out DIR} writes, made by the very same command (the CLI's entry
 * point, in this JVM), once per stack and run. These files are the suite's inputs: never edited; where a value
 * cannot work on a laptop the check overlays or maps it and says why, in one place per program.
 */
public final class Rendered {
    public static final Path ROOT = Path.of("platform", "target", "real", "render");
    private static final Map<String, Path> DONE = new ConcurrentHashMap<>();

    private Rendered() {}

    /** The render folder of a stack: {@code config/}, {@code manifests/}, {@code secrets/}. */
    public static Path of(String stack) {
        return DONE.computeIfAbsent(stack, s -> {
            Path out = ROOT.resolve(s);
            var o = new StringWriter();
            var e = new StringWriter();
            int code = Main.run(new String[] {"render", "--stack", s, "--out", out.toString()}, new PrintWriter(o),
                    new PrintWriter(e));
            if (code != 0) throw new AssertionError("platformctl render --stack " + s + " exited " + code + ": " + e + o);
            return out;
        });
    }
}
