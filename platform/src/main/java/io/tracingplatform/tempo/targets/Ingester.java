package io.tracingplatform.tempo.targets;

import io.tracingplatform.tempo.TempoConfig;
import io.tracingplatform.tempo.TempoPlan;
import io.tracingplatform.tempo.TempoTarget;
import io.tracingplatform.tempo.WorkloadSpec;
import java.util.Map;
import java.util.Optional;

/**
 * Holds recent traces in its WAL and flushes blocks to the bucket. A StatefulSet with a volume, spread across
 * zones, 20 minutes to flush on shutdown; never autoscaled (a scale-down drops the WAL of the removed pods).
 */
public final class Ingester implements TempoTarget {
    @Override
    public String name() {
        return "ingester";
    }

    @Override
    public TempoConfig config(TempoConfig base, TempoPlan.Context ctx) {
        return base; // the ring's replication factor is in the base: distributors and queriers read it too
    }

    @Override
    public WorkloadSpec workload(TempoPlan.Context ctx) {
        return new WorkloadSpec(name(), true, ctx.size(name()), WorkloadSpec.tempoArgs(name()),
                Map.of("prom-metrics", WorkloadSpec.HTTP, "grpc", WorkloadSpec.GRPC, "gossip", WorkloadSpec.GOSSIP),
                Map.of("ingester-prom-metrics", WorkloadSpec.HTTP, "grpc", WorkloadSpec.GRPC),
                Optional.of(new WorkloadSpec.Volume("ingester-data", ctx.settings().walSize(), "/var/tempo")),
                1200, true, true, false, true);
    }
}
