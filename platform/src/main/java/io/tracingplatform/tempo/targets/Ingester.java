package io.tracingplatform.tempo.targets;

import io.tracingplatform.tempo.Sizing;
import io.tracingplatform.tempo.TempoConfig;
import io.tracingplatform.tempo.TempoPlan;
import io.tracingplatform.tempo.TempoTarget;
import io.tracingplatform.tempo.WorkloadSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Holds recent traces in its WAL and flushes blocks to the bucket. A StatefulSet with a volume; never autoscaled.
 * On SIGTERM 2.10.8 only cuts its in-memory traces into the WAL (flush_all_on_shutdown: false), which the same
 * pod replays from its volume when it starts again; removing an ingester for good needs {@code /shutdown} first
 * (upgrade runbook). One StatefulSet {@code ingester} unless the stack opts in with {@code tempo.zones} (and
 * zoneSpread required): then one StatefulSet per zone, each pinned to its zone and announcing it in the ring, with
 * zone-aware replication, so losing a zone loses one copy of each trace.
 */
public final class Ingester implements TempoTarget {
    /**
     * Cutting in-memory traces into the WAL takes seconds; 300 s leaves room for a slow volume. It used to be 1200 s
     * "to flush", which 2.10.8 does not do on SIGTERM (modules/ingester/ingester.go, stopping: flushRemaining only
     * when FlushAllOnShutdown, else cutAllInstancesToWal; not re-read here).
     */
    public static final int TERMINATION_GRACE_SECONDS = 300;

    @Override
    public String name() {
        return "ingester";
    }

    @Override
    public TempoConfig config(TempoConfig base, TempoPlan.Context ctx) {
        // flush_all_on_shutdown stays false, written out: a rollout or node drain restarts the pod on the same
        // volume and the WAL is replayed, so flushing everything on every restart would only make rollouts slow and
        // cut many small blocks. A scale-down is the one case that must flush: /shutdown (ShutdownHandler) does it.
        // The ring (replication factor, zone awareness) is in the base: distributors and queriers read it too.
        return base.toBuilder().ingester(new TempoConfig.Ingester(base.ingester().lifecycler(), false)).build();
    }

    @Override
    public WorkloadSpec workload(TempoPlan.Context ctx) {
        return new WorkloadSpec(name(), true, ctx.size(name()),
                Map.of("prom-metrics", WorkloadSpec.HTTP, "grpc", WorkloadSpec.GRPC, "gossip", WorkloadSpec.GOSSIP),
                Map.of("ingester-prom-metrics", WorkloadSpec.HTTP, "grpc", WorkloadSpec.GRPC),
                Optional.of(new WorkloadSpec.Volume("ingester-data", ctx.settings().walSize(), "/var/tempo")),
                TERMINATION_GRACE_SECONDS, true, true, false, true);
    }

    @Override
    public List<WorkloadSpec> workloads(TempoPlan.Context ctx) {
        var one = workload(ctx);
        if (!ctx.settings().zoneAware()) return List.of(one);
        var zones = ctx.settings().zones();
        var size = one.size();
        // Each zone holds one full copy (replication factor = zones): the sized replicas divided over the zones.
        int perZone = (size.replicas() + zones.size() - 1) / zones.size();
        var out = new ArrayList<WorkloadSpec>();
        for (int i = 0; i < zones.size(); i++) {
            String name = zoneWorkloadName(i);
            // Zone a takes over the Pulumi identity of the single StatefulSet it replaces (an alias); the object is
            // still new (another name, pinned to one zone), see the upgrade runbook for the old pods' data.
            out.add(new WorkloadSpec(name, name(), true,
                    new Sizing.Size(perZone, size.cpu(), size.memory(), size.cpuLimit(), size.memoryLimit()),
                    one.args(), one.ports(), one.servicePorts(), one.volume(), one.terminationGraceSeconds(), true, true,
                    false, false, Optional.of(zones.get(i)), i == 0 ? List.of(name()) : List.of()));
        }
        return out;
    }

    /** ingester-zone-a, -b, ...: the zone's index, not the cloud's zone name, so names survive a region move. */
    public static String zoneWorkloadName(int index) {
        return "ingester-zone-" + (char) ('a' + index);
    }
}
