package io.tracingplatform.tempo;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One Tempo workload as data (the desired state the component turns into Kubernetes objects).
 *
 * @param name object name (distributor, ingester, ingester-zone-a, ...); also its config's key
 * @param target the Tempo target it runs (-target=...; the pods' component label)
 * @param statefulSet StatefulSet (stable identity, volumes) rather than Deployment
 * @param size replicas and resources
 * @param args container args
 * @param ports container ports, name to number
 * @param servicePorts ports of the component's Service, name to number (target = same number unless mapped)
 * @param volume a PVC template (name, size, mount path), for StatefulSets that keep data
 * @param terminationGraceSeconds grace period
 * @param ringMember whether it joins the memberlist gossip ring (labelled part-of: memberlist)
 * @param usesBucket whether it reads or writes the trace bucket (runs as the storage ServiceAccount)
 * @param hpa whether it scales horizontally on CPU (never ingesters: scaling them down loses data)
 * @param zoneSpread whether replicas spread across zones (topologySpreadConstraints)
 * @param zone the one cloud zone all its pods run in (node affinity) and their ring zone; per-zone ingesters only
 * @param aliases earlier logical names of this resource (Pulumi aliases: the state follows, see the upgrade runbook)
 */
public record WorkloadSpec(String name, String target, boolean statefulSet, Sizing.Size size, List<String> args,
                           Map<String, Integer> ports, Map<String, Integer> servicePorts,
                           Optional<Volume> volume, int terminationGraceSeconds, boolean ringMember,
                           boolean usesBucket, boolean hpa, boolean zoneSpread, Optional<String> zone,
                           List<String> aliases) {
    /** A workload of one target, named after it, in no particular zone. */
    public WorkloadSpec(String target, boolean statefulSet, Sizing.Size size, Map<String, Integer> ports,
                        Map<String, Integer> servicePorts, Optional<Volume> volume, int terminationGraceSeconds,
                        boolean ringMember, boolean usesBucket, boolean hpa, boolean zoneSpread) {
        this(target, target, statefulSet, size, tempoArgs(target), ports, servicePorts, volume, terminationGraceSeconds,
                ringMember, usesBucket, hpa, zoneSpread, Optional.empty(), List.of());
    }

    /** A persistent volume claim template. */
    public record Volume(String name, String size, String mountPath) {}

    public static final int HTTP = 3200;
    public static final int GRPC = 9095;
    public static final int GOSSIP = 7946;

    /**
     * Args every Tempo target runs with, as the upstream manifests have them minus the ballast: a fixed 1024 MB
     * ballast does not fit limits of 410-819Mi (small profile), and GOMEMLIMIT (set from the limit on every
     * container) is the Go runtime's own answer to what the ballast approximated.
     */
    public static List<String> tempoArgs(String target) {
        return List.of("-config.file=/conf/tempo.yaml", "-target=" + target);
    }
}
