package io.tracingplatform.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/**
 * A copy of the repository's project files with N generated tenants (each joining dev and prod with two
 * namespaces, tail sampling on every third), for benchmarks at realistic scale.
 */
public final class SyntheticProject {
    private SyntheticProject() {}

    public static Path create(Path repo, Path target, int tenants) throws IOException {
        if (Files.exists(target)) {
            try (var walk = Files.walk(target)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        }
        Files.createDirectories(target.resolve("stacks/tenants"));
        Files.copy(repo.resolve("Pulumi.yaml"), target.resolve("Pulumi.yaml"));
        try (var stacks = Files.list(repo.resolve("stacks"))) {
            for (Path f : stacks.filter(Files::isRegularFile).toList()) {
                Path copy = Files.copy(f, target.resolve("stacks").resolve(f.getFileName()));
                // 1000 tenants need more queue room than a stack of a few (GatewayPlan.checkQueueRoom): one volume
                // large enough for the sizes benchmarked, where the stack file does not size it itself.
                if (tenants > 100 && !Files.readString(copy).contains("queueVolumeSize:")) {
                    io.tracingplatform.TempProject.setGateway(copy, "queueVolumeSize", "32Gi");
                }
            }
        }
        for (int i = 0; i < tenants; i++) {
            String id = String.format("team-%04d", i);
            String sampling = i % 3 == 0 ? "{keepErrors: true, keepSlowerThan: 2s, keepPercent: 10}" : "none";
            Files.writeString(target.resolve("stacks/tenants/" + id + ".yaml"), """
                    apiVersion: tracing-platform/v1
                    kind: Tenant
                    id: %1$s
                    displayName: Team %1$s
                    costCenter: CC-1%2$04d
                    contacts: [%1$s@example.com]
                    environments:
                      dev:
                        retention: 7d
                        instrumentation: {namespaces: [%1$s-dev], languages: [java]}
                      prod:
                        retention: 14d
                        ingestion: {rateLimitMBps: 4, burstMB: 10}
                        sampling: %3$s
                        grafana: {viewers: [sso-%1$s], editors: [sso-%1$s-dev]}
                        instrumentation: {namespaces: [%1$s-api, %1$s-worker], languages: [java]}
                    """.formatted(id, i, sampling));
        }
        return target;
    }
}
