package io.tracingplatform.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Benchmark (not a test): wall time of {@code platformctl plan --stack S} in a fresh JVM, JVM start included,
 * as a user sees it. Runs each JVM flag set {@value #RUNS} times after one warm-up (file cache) and reports
 * the median and the ratio between flag sets, measured in the same run.
 *
 * <p>Run: {@code mvn -B -ntp -Pbench -DskipTests verify} (see platform/README.md, Performance).
 * Arguments: repository root, then stacks (default prod); a stack written {@code prod@100} plans prod of a
 * synthetic project with 100 generated tenants ({@link SyntheticProject}).
 */
public final class PlanWallClock {
    static final int RUNS = 5;

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        List<String> stacks = args.length > 1 ? Arrays.asList(args).subList(1, args.length) : List.of("prod");
        Path jar = root.resolve("platform/target/platform.jar");
        if (!Files.exists(jar)) throw new IllegalStateException("build first: " + jar + " is missing");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // The third set is what platformctl runs: C1, SerialGC and an AppCDS archive of one training run.
        Path archive = root.resolve("platform/target/bench-platformctl.jsa");
        Files.deleteIfExists(archive);
        run(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:ArchiveClassesAtExit=" + archive,
                "-Dplatform.root=" + root, "-cp", jar.toString(), "io.tracingplatform.cli.Main", "plan", "--stack",
                stacks.get(0).replaceAll("@.*", ""), "--format", "json"), root);
        var flagSets = List.of(
                List.<String>of(),
                List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"),
                List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:SharedArchiveFile=" + archive));
        for (String spec : stacks) {
            String stack = spec.contains("@") ? spec.substring(0, spec.indexOf('@')) : spec;
            Path project = spec.contains("@")
                    ? SyntheticProject.create(root, root.resolve("platform/target/bench-plan-" + spec.substring(spec.indexOf('@') + 1)),
                            Integer.parseInt(spec.substring(spec.indexOf('@') + 1)))
                    : root;
            double[] medians = new double[flagSets.size()];
            for (int i = 0; i < flagSets.size(); i++) {
                var cmd = new ArrayList<String>();
                cmd.add(java);
                cmd.addAll(flagSets.get(i));
                cmd.addAll(List.of("-Dplatform.root=" + project, "-cp", jar.toString(), "io.tracingplatform.cli.Main",
                        "plan", "--stack", stack, "--format", "json"));
                run(cmd, project); // warm-up: file cache, CDS archive
                double[] times = new double[RUNS];
                for (int r = 0; r < RUNS; r++) times[r] = run(cmd, project);
                Arrays.sort(times);
                medians[i] = times[RUNS / 2];
                System.out.printf("plan --stack %-10s flags %-80s median %.2f s (min %.2f, max %.2f)%n", spec,
                        flagSets.get(i).isEmpty() ? "(JVM defaults)" : String.join(" ", flagSets.get(i)),
                        medians[i], times[0], times[RUNS - 1]);
            }
            System.out.printf("plan --stack %s: C1+SerialGC takes %.2fx, C1+SerialGC+AppCDS (platformctl) %.2fx the wall time of the defaults%n",
                    spec, medians[1] / medians[0], medians[2] / medians[0]);
        }
    }

    static double run(List<String> cmd, Path root) throws Exception {
        long start = System.nanoTime();
        var process = new ProcessBuilder(cmd).directory(root.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        int code = process.waitFor();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (code != 0) throw new IllegalStateException("exit " + code + ": " + String.join(" ", cmd));
        return seconds;
    }

}
