package io.tracingplatform.real;

import io.tracingplatform.Plans;
import io.tracingplatform.release.Release;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The real programs, built or installed by {@code platform/servers/build} at the version the release catalog pins
 * (collector) or {@code platform/servers/versions.properties} pins (the test's own servers), cached by version.
 * A program that cannot be had fails the check with the build's last lines: never a silent skip.
 */
public final class Servers {
    private static final Path ROOT = Path.of("platform", "servers");
    private static final Map<String, Path> INSTALLED = new ConcurrentHashMap<>();
    private static final Map<String, String> UNAVAILABLE = new ConcurrentHashMap<>();

    private Servers() {}

    /** The release a stack pins. */
    public static Release release(String stack) {
        return Plans.inputs(stack).settings().release();
    }

    /** A pin of {@code versions.properties} (the suite's own servers: API server, etcd, Prometheus, ...). */
    public static String pin(String key) {
        String v = PINS.getProperty(key);
        if (v == null) throw new IllegalStateException("platform/servers/versions.properties pins no '" + key + "'");
        return v.trim();
    }

    private static final Properties PINS = readPins();

    /** A builder manifest line: module, version, and the kind/type(s) it provides (a trailing comment, space-separated). */
    public static final java.util.regex.Pattern GOMOD =
            java.util.regex.Pattern.compile("^\\s*- gomod: (\\S+) (v\\S+)(?:\\s*#\\s*(\\S+(?: \\S+)*))?");

    /**
     * The collector components the builder manifest of an otelcol version builds, by module: the kind/type(s) each
     * provides (otlpexporter at 0.144+ provides exporter/otlp_grpc and its deprecated alias exporter/otlp).
     */
    public static Map<String, List<String>> collectorModules(String version) {
        var out = new java.util.LinkedHashMap<String, List<String>>();
        try {
            for (String line : Files.readAllLines(ROOT.resolve("otelcol").resolve("manifest-" + version + ".yaml"))) {
                var m = GOMOD.matcher(line);
                if (m.find() && m.group(3) != null) out.put(m.group(1), List.of(m.group(3).split(" ")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static Properties readPins() {
        var props = new Properties();
        try (Reader r = Files.newBufferedReader(ROOT.resolve("versions.properties"))) {
            props.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return props;
    }

    /** The path of one binary of a program at a version, building it first when the cache lacks it. */
    public static Path bin(String program, String version, String binary) {
        Path dir = home(program, version);
        Path bin = dir.resolve("bin").resolve(binary);
        if (!Files.isExecutable(bin)) {
            throw new AssertionError(program + " " + version + " was built into " + dir + " but has no bin/" + binary);
        }
        return bin;
    }

    /**
     * A registry refuses something the pinned version needs (the recipe's exit 3): final here, so checks record
     * "not run" with this reason instead of failing; every other build failure fails the check.
     */
    public static final class Unavailable extends RuntimeException {
        Unavailable(String message) {
            super(message);
        }
    }

    /** The installed folder of a program at a version ({@code bin/}, and whatever else its recipe installs). */
    public static Path home(String program, String version) {
        String key = program + "@" + version;
        if (UNAVAILABLE.containsKey(key)) throw new Unavailable(UNAVAILABLE.get(key));
        try {
            return INSTALLED.computeIfAbsent(key, k -> build(program, version));
        } catch (Unavailable e) {
            UNAVAILABLE.put(key, e.getMessage());
            throw e;
        }
    }

    private static Path build(String program, String version) {
        Path log = Path.of("platform", "target", "real", "builds", program.replace('/', '-') + "-" + version + ".log");
        try {
            Files.createDirectories(log.getParent());
            var p = new ProcessBuilder("bash", ROOT.resolve("build").toString(), program, version)
                    .redirectError(log.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            // Cold builds of Go programs take minutes on 2 cores; the fork timeout of the real profile bounds it.
            int code = p.waitFor();
            if (code == 3) {
                String log2 = Files.readString(log);
                throw new Unavailable(program + " " + version + " cannot be had here: " + log2.lines()
                        .filter(l -> l.startsWith("UNAVAILABLE: ")).map(l -> l.substring(13)).findFirst().orElse(Proc.tail(log2, 3)));
            }
            if (code != 0 || out.isEmpty()) {
                throw new AssertionError("could not build or install " + program + " " + version + " (exit " + code
                        + "); full log " + log + "; retry with: platform/servers/build " + program + " " + version
                        + "\n" + Proc.tail(Files.readString(log), 30));
            }
            return Path.of(out.lines().reduce((a, b) -> b).orElseThrow());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while building " + program, e);
        }
    }

    /** Runs one of a program's binaries to its end. */
    public static Proc.Result run(Path bin, List<String> args, Duration timeout) {
        return run(bin, args, java.util.Map.of(), timeout);
    }

    /** As {@link #run(Path, List, Duration)}, with these variables added to the environment (a pod's, say). */
    public static Proc.Result run(Path bin, List<String> args, java.util.Map<String, String> env, Duration timeout) {
        var cmd = new java.util.ArrayList<String>();
        cmd.add(bin.toString());
        cmd.addAll(args);
        return Proc.run(cmd, env, timeout);
    }
}
