package io.tracingplatform.tempo.targets;

import io.tracingplatform.tempo.TempoConfig;
import io.tracingplatform.tempo.TempoPlan;
import io.tracingplatform.tempo.TempoTarget;
import io.tracingplatform.tempo.WorkloadSpec;
import java.util.Map;
import java.util.Optional;

/** Receives spans (OTLP only: the gateway sends nothing else) and fans them out to ingesters and generators. */
public final class Distributor implements TempoTarget {
    public static final int OTLP_GRPC = 4317;
    public static final int OTLP_HTTP = 4318;

    @Override
    public String name() {
        return "distributor";
    }

    @Override
    public TempoConfig config(TempoConfig base, TempoPlan.Context ctx) {
        // Bound to all interfaces: since Tempo 2.7 receivers default to localhost, unreachable from the gateway.
        return base.withDistributor(new TempoConfig.Distributor(Map.of("otlp", Map.of("protocols", Map.of(
                "grpc", Map.of("endpoint", "0.0.0.0:" + OTLP_GRPC),
                "http", Map.of("endpoint", "0.0.0.0:" + OTLP_HTTP))))));
    }

    @Override
    public WorkloadSpec workload(TempoPlan.Context ctx) {
        return new WorkloadSpec(name(), false, ctx.size(name()), WorkloadSpec.tempoArgs(name()),
                Map.of("prom-metrics", WorkloadSpec.HTTP, "grpc", WorkloadSpec.GRPC, "gossip", WorkloadSpec.GOSSIP,
                        "otlp-grpc", OTLP_GRPC, "otlp-http", OTLP_HTTP),
                Map.of("distributor-prom-metrics", WorkloadSpec.HTTP, "grpc", WorkloadSpec.GRPC,
                        "otlp-grpc", OTLP_GRPC, "otlp-http", OTLP_HTTP),
                Optional.empty(), 60, true, false, true, true);
    }
}
