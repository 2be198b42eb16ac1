package io.tracingplatform.real;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A real program started as a process of its own on loopback: its own process group (through {@code setsid}), so
 * that stopping it stops everything it started and never a process found by name; its output in a log file whose
 * last lines go into every failure message.
 */
public final class Proc implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Process process;
    private final Path log;

    private Proc(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** The output of a finished command. */
    public record Result(int code, String output) {
        public String tail(int lines) {
            return Proc.tail(output, lines);
        }
    }

    /** Runs a command to its end (stdout and stderr together); a command still running after the timeout fails. */
    public static Result run(List<String> command, Duration timeout) {
        return run(command, Map.of(), timeout);
    }

    /** As {@link #run(List, Duration)}, with these variables added to the environment. */
    public static Result run(List<String> command, Map<String, String> env, Duration timeout) {
        try {
            var pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().putAll(env);
            var p = pb.start();
            var out = new java.io.ByteArrayOutputStream();
            var reader = new Thread(() -> {
                try {
                    p.getInputStream().transferTo(out);
                } catch (IOException ignored) {
                    // the process ended
                }
            });
            reader.start();
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                reader.join(5000);
                throw new AssertionError(command.get(0) + " did not finish within " + timeout + ": "
                        + tail(out.toString(StandardCharsets.UTF_8), 20));
            }
            reader.join(5000);
            return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Starts a long-running program; {@link #close()} stops its whole process group. */
    public static Proc start(String name, List<String> command, Map<String, String> env, Path logDir) {
        try {
            Files.createDirectories(logDir);
            Path log = logDir.resolve(name + ".log");
            var cmd = new ArrayList<String>();
            cmd.add("setsid"); // a Java child is never a group leader, so setsid execs in place: pid == process group
            cmd.addAll(command);
            var pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(env);
            return new Proc(name, pb.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name + ": " + command, e);
        }
    }

    public String name() {
        return name;
    }

    public boolean alive() {
        return process.isAlive();
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** The last lines of the log, for assertion messages. */
    public String tail(int lines) {
        return name + " log (" + log + "), last lines:\n" + tail(log(), lines);
    }

    /**
     * Waits until the condition holds; fails with what it waited for and the log's tail if the process dies or the
     * timeout passes. Polls: no fixed sleeps.
     */
    public void await(String what, Duration timeout, BooleanSupplier ready) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (ready.getAsBoolean()) return;
            if (!alive()) {
                throw new AssertionError(name + " exited (code " + process.exitValue() + ") before " + what + "\n" + tail(30));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
        throw new AssertionError(name + ": no " + what + " within " + timeout + "\n" + tail(30));
    }

    /** Waits for HTTP 200 from the URL. */
    public void awaitHttp200(String url, Duration timeout) {
        await("HTTP 200 from " + url, timeout, () -> httpStatus(url) == 200);
    }

    /** The status of a GET, or -1 when nothing answers. */
    public static int httpStatus(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** A free TCP port on loopback (the kernel's choice; released before the program binds it). */
    public static int freePort() {
        try (var s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the process group: TERM, then KILL after 10 s (some programs hang on TERM). */
    @Override
    public void close() {
        if (!process.isAlive()) return;
        signal("TERM");
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                signal("KILL");
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A crash: SIGKILL to the process group, no chance to flush anything. */
    public void kill() {
        if (!process.isAlive()) return;
        signal("KILL");
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void signal(String sig) {
        run(List.of("kill", "-" + sig, "--", "-" + process.pid()), Duration.ofSeconds(5));
    }

    static String tail(String text, int lines) {
        var all = text.split("\n");
        return String.join("\n", java.util.Arrays.asList(all).subList(Math.max(0, all.length - lines), all.length));
    }
}
