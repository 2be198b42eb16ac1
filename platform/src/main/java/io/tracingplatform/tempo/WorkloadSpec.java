package io.tracingplatform.tempo;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One Tempo workload as data (the desired state the component turns into Kubernetes objects).
 *
 * @param name component name, also the object name (distributor, ingester, ...)
 * @param statefulSet StatefulSet (stable identity, volumes) rather than Deployment
 * @param size replicas and resources
 * @param args container args
 * @param ports container ports, name to number
 * @param servicePorts ports of the component's Service, name to number (target = same number unless mapped)
 * @param volume a PVC template (name, size, mount path), for StatefulSets that keep data
 * @param terminationGraceSeconds grace period (ingesters need long: they flush on shutdown)
 * @param ringMember whether it joins the memberlist gossip ring (labelled part-of: memberlist)
 * @param usesBucket whether it reads or writes the trace bucket (runs as the storage ServiceAccount)
 * @param hpa whether it scales horizontally on CPU (never ingesters: scaling them down loses data)
 * @param zoneSpread whether replicas spread across zones (topologySpreadConstraints)
 */
public record WorkloadSpec(String name, boolean statefulSet, Sizing.Size size, List<String> args,
                           Map<String, Integer> ports, Map<String, Integer> servicePorts,
                           Optional<Volume> volume, int terminationGraceSeconds, boolean ringMember,
                           boolean usesBucket, boolean hpa, boolean zoneSpread) {
    /** A persistent volume claim template. */
    public record Volume(String name, String size, String mountPath) {}

    public static final int HTTP = 3200;
    public static final int GRPC = 9095;
    public static final int GOSSIP = 7946;

    /** Args every Tempo target runs with, as the upstream manifests have them. */
    public static List<String> tempoArgs(String target) {
        return List.of("-config.file=/conf/tempo.yaml", "-mem-ballast-size-mbs=1024", "-target=" + target);
    }
}
