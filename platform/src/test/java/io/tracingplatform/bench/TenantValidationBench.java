package io.tracingplatform.bench;

import io.tracingplatform.config.ProjectLayout;
import io.tracingplatform.config.StackFiles;
import io.tracingplatform.config.TenantPolicy;
import io.tracingplatform.tenants.TenantLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.TreeMap;

/**
 * Benchmark (not a test): validating N generated tenant files in one JVM, as {@code tenant validate} and
 * every plan do. Reports the first (cold JVM) run and the median of warm runs.
 * Run: {@code mvn -B -ntp -Pbench -DskipTests verify}. Arguments: repository root, tenant count (1000).
 */
public final class TenantValidationBench {
    public static void main(String[] args) throws Exception {
        Path repo = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        var project = SyntheticProject.create(repo, repo.resolve("platform/target/bench-tenants-" + n), n);
        var layout = new ProjectLayout(project);
        long start = System.nanoTime();
        int problems = validate(layout);
        double cold = (System.nanoTime() - start) / 1e9;
        double[] warm = new double[5];
        for (int i = 0; i < warm.length; i++) {
            long t = System.nanoTime();
            validate(layout);
            warm[i] = (System.nanoTime() - t) / 1e9;
        }
        Arrays.sort(warm);
        System.out.printf("tenant validation, %d files: first run %.2f s (cold JVM), warm median %.3f s, %d problems%n",
                n, cold, warm[warm.length / 2], problems);
        if (problems != 0) throw new IllegalStateException("generated tenants must be valid");
    }

    static int validate(ProjectLayout layout) {
        var policies = new TreeMap<String, TenantPolicy>();
        for (String s : layout.stacks()) policies.put(s, TenantPolicy.read(StackFiles.read(layout, s)));
        return TenantLoader.check(layout, TenantLoader.files(layout), policies).problems().size();
    }
}
