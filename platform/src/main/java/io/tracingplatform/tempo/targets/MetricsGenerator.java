package io.tracingplatform.tempo.targets;

import io.tracingplatform.tempo.TempoConfig;
import io.tracingplatform.tempo.TempoPlan;
import io.tracingplatform.tempo.TempoTarget;
import io.tracingplatform.tempo.WorkloadSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns spans into span metrics and service graphs (processors per tenant, in the overrides) and writes them
 * with exemplars to the stack's Prometheus.
 */
public final class MetricsGenerator implements TempoTarget {
    /** The label name the tenant id is written under (Tempo's own metrics use the same name). */
    public static final String TENANT_LABEL = "tenant";

    @Override
    public String name() {
        return "metrics-generator";
    }

    @Override
    public TempoConfig config(TempoConfig base, TempoPlan.Context ctx) {
        return base.toBuilder().metricsGenerator(new TempoConfig.MetricsGenerator(
                new TempoConfig.GeneratorStorage("/var/tempo/generator_wal",
                        List.of(new TempoConfig.RemoteWrite(ctx.settings().prometheusRemoteWriteUrl(), true))),
                TempoConfig.Ring.memberlist(),
                // The tenant as a label of every span-metrics and service-graph series (Tempo docs, metrics-generator
                // configuration: registry.inject_tenant_id_as). A single-tenant Prometheus (the local stack) holds
                // every tenant's series: without it, two tenants' services of the same name are one series. In a
                // multi-tenant store it is one constant value per tenant: no extra series.
                new TempoConfig.Registry(TENANT_LABEL))).build();
    }

    @Override
    public WorkloadSpec workload(TempoPlan.Context ctx) {
        return new WorkloadSpec(name(), true, ctx.size(name()),
                Map.of("prom-metrics", WorkloadSpec.HTTP, "grpc", WorkloadSpec.GRPC, "gossip", WorkloadSpec.GOSSIP),
                Map.of("metrics-generator-prom-metrics", WorkloadSpec.HTTP),
                Optional.of(new WorkloadSpec.Volume("metrics-generator-data", ctx.settings().generatorWalSize(), "/var/tempo")),
                60, true, true, false, true);
    }
}
