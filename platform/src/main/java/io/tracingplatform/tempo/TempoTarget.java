package io.tracingplatform.tempo;

import java.util.List;

/** One Tempo target (-target=...): its config delta over the base config and its workloads. */
public interface TempoTarget {
    String name();

    /** The target's config: the base plus what only this target reads. */
    TempoConfig config(TempoConfig base, TempoPlan.Context ctx);

    WorkloadSpec workload(TempoPlan.Context ctx);

    /** Its workloads: one, or one per zone (ingesters with zone-aware replication). */
    default List<WorkloadSpec> workloads(TempoPlan.Context ctx) {
        return List.of(workload(ctx));
    }
}
