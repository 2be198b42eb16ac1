package io.tracingplatform.tempo.targets;

import io.tracingplatform.config.Durations;
import io.tracingplatform.tempo.TempoConfig;
import io.tracingplatform.tempo.TempoPlan;
import io.tracingplatform.tempo.TempoTarget;
import io.tracingplatform.tempo.WorkloadSpec;
import java.util.Map;
import java.util.Optional;

/**
 * Merges blocks and deletes what is past retention: per tenant from the overrides, and for tenants without
 * one (offboarded) the stack's default retention, which is what this global value is.
 */
public final class Compactor implements TempoTarget {
    @Override
    public String name() {
        return "compactor";
    }

    @Override
    public TempoConfig config(TempoConfig base, TempoPlan.Context ctx) {
        return base.toBuilder().compactor(new TempoConfig.Compactor(
                new TempoConfig.Compaction(Durations.toGo(ctx.defaultRetention()), "1h"),
                TempoConfig.Ring.memberlist())).build();
    }

    @Override
    public WorkloadSpec workload(TempoPlan.Context ctx) {
        return new WorkloadSpec(name(), false, ctx.size(name()),
                Map.of("prom-metrics", WorkloadSpec.HTTP, "gossip", WorkloadSpec.GOSSIP),
                Map.of("compactor-prom-metrics", WorkloadSpec.HTTP),
                Optional.empty(), 60, true, true, false, false);
    }
}
