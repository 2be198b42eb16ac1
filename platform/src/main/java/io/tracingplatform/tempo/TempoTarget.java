package io.tracingplatform.tempo;

/** One Tempo target (-target=...): its config delta over the base config and its workload. */
public interface TempoTarget {
    String name();

    /** The target's config: the base plus what only this target reads. */
    TempoConfig config(TempoConfig base, TempoPlan.Context ctx);

    WorkloadSpec workload(TempoPlan.Context ctx);
}
