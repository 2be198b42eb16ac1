package io.tracingplatform.tempo.targets;

import io.tracingplatform.tempo.TempoConfig;
import io.tracingplatform.tempo.TempoPlan;
import io.tracingplatform.tempo.TempoTarget;
import io.tracingplatform.tempo.WorkloadSpec;
import java.util.Map;
import java.util.Optional;

/** Runs query jobs the query-frontend hands out, against ingesters and the bucket. */
public final class Querier implements TempoTarget {
    @Override
    public String name() {
        return "querier";
    }

    @Override
    public TempoConfig config(TempoConfig base, TempoPlan.Context ctx) {
        return base.toBuilder().querier(new TempoConfig.Querier(new TempoConfig.FrontendWorker(
                "query-frontend-discovery." + ctx.namespace() + ".svc.cluster.local.:" + WorkloadSpec.GRPC))).build();
    }

    @Override
    public WorkloadSpec workload(TempoPlan.Context ctx) {
        return new WorkloadSpec(name(), false, ctx.size(name()),
                Map.of("prom-metrics", WorkloadSpec.HTTP, "grpc", WorkloadSpec.GRPC, "gossip", WorkloadSpec.GOSSIP),
                Map.of("querier-prom-metrics", WorkloadSpec.HTTP),
                Optional.empty(), 30, true, true, true, true);
    }
}
