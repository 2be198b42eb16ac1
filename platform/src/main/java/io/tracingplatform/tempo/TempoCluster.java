package io.tracingplatform.tempo;

import com.pulumi.kubernetes.apps.v1.Deployment;
import com.pulumi.kubernetes.apps.v1.DeploymentArgs;
import com.pulumi.kubernetes.apps.v1.StatefulSet;
import com.pulumi.kubernetes.apps.v1.StatefulSetArgs;
import com.pulumi.kubernetes.apps.v1.inputs.DeploymentSpecArgs;
import com.pulumi.kubernetes.apps.v1.inputs.StatefulSetPersistentVolumeClaimRetentionPolicyArgs;
import com.pulumi.kubernetes.apps.v1.inputs.StatefulSetSpecArgs;
import com.pulumi.kubernetes.autoscaling.v2.HorizontalPodAutoscaler;
import com.pulumi.kubernetes.autoscaling.v2.HorizontalPodAutoscalerArgs;
import com.pulumi.kubernetes.autoscaling.v2.inputs.CrossVersionObjectReferenceArgs;
import com.pulumi.kubernetes.autoscaling.v2.inputs.HorizontalPodAutoscalerSpecArgs;
import com.pulumi.kubernetes.autoscaling.v2.inputs.MetricSpecArgs;
import com.pulumi.kubernetes.autoscaling.v2.inputs.MetricTargetArgs;
import com.pulumi.kubernetes.autoscaling.v2.inputs.ResourceMetricSourceArgs;
import com.pulumi.kubernetes.core.v1.ConfigMap;
import com.pulumi.kubernetes.core.v1.ConfigMapArgs;
import com.pulumi.kubernetes.core.v1.Service;
import com.pulumi.kubernetes.core.v1.ServiceAccount;
import com.pulumi.kubernetes.core.v1.ServiceAccountArgs;
import com.pulumi.kubernetes.core.v1.ServiceArgs;
import com.pulumi.kubernetes.core.v1.inputs.AffinityArgs;
import com.pulumi.kubernetes.core.v1.inputs.ConfigMapVolumeSourceArgs;
import com.pulumi.kubernetes.core.v1.inputs.ContainerArgs;
import com.pulumi.kubernetes.core.v1.inputs.ContainerPortArgs;
import com.pulumi.kubernetes.core.v1.inputs.EmptyDirVolumeSourceArgs;
import com.pulumi.kubernetes.core.v1.inputs.EnvFromSourceArgs;
import com.pulumi.kubernetes.core.v1.inputs.EnvVarArgs;
import com.pulumi.kubernetes.core.v1.inputs.NodeAffinityArgs;
import com.pulumi.kubernetes.core.v1.inputs.NodeSelectorArgs;
import com.pulumi.kubernetes.core.v1.inputs.NodeSelectorRequirementArgs;
import com.pulumi.kubernetes.core.v1.inputs.NodeSelectorTermArgs;
import com.pulumi.kubernetes.core.v1.inputs.HTTPGetActionArgs;
import com.pulumi.kubernetes.core.v1.inputs.PersistentVolumeClaimArgs;
import com.pulumi.kubernetes.core.v1.inputs.PersistentVolumeClaimSpecArgs;
import com.pulumi.kubernetes.core.v1.inputs.PodAffinityTermArgs;
import com.pulumi.kubernetes.core.v1.inputs.PodAntiAffinityArgs;
import com.pulumi.kubernetes.core.v1.inputs.PodSpecArgs;
import com.pulumi.kubernetes.core.v1.inputs.PodTemplateSpecArgs;
import com.pulumi.kubernetes.core.v1.inputs.ProbeArgs;
import com.pulumi.kubernetes.core.v1.inputs.ResourceRequirementsArgs;
import com.pulumi.kubernetes.core.v1.inputs.SecretEnvSourceArgs;
import com.pulumi.kubernetes.core.v1.inputs.ServicePortArgs;
import com.pulumi.kubernetes.core.v1.inputs.ServiceSpecArgs;
import com.pulumi.kubernetes.core.v1.inputs.TCPSocketActionArgs;
import com.pulumi.kubernetes.core.v1.inputs.TopologySpreadConstraintArgs;
import com.pulumi.kubernetes.core.v1.inputs.VolumeArgs;
import com.pulumi.kubernetes.core.v1.inputs.VolumeMountArgs;
import com.pulumi.kubernetes.core.v1.inputs.WeightedPodAffinityTermArgs;
import com.pulumi.kubernetes.meta.v1.inputs.LabelSelectorArgs;
import com.pulumi.kubernetes.meta.v1.inputs.ObjectMetaArgs;
import com.pulumi.kubernetes.policy.v1.PodDisruptionBudget;
import com.pulumi.kubernetes.policy.v1.PodDisruptionBudgetArgs;
import com.pulumi.resources.ComponentResource;
import com.pulumi.resources.ComponentResourceOptions;
import com.pulumi.resources.CustomResourceOptions;
import io.tracingplatform.Providers;
import io.tracingplatform.config.StackSettings;
import io.tracingplatform.k8s.Hardening;
import io.tracingplatform.k8s.KubernetesCustomResource;
import io.tracingplatform.k8s.Labels;
import io.tracingplatform.k8s.Monitoring;
import io.tracingplatform.k8s.Names;
import io.tracingplatform.k8s.NetworkPolicies;
import io.tracingplatform.k8s.Workloads;
import io.tracingplatform.storage.StoragePlan;
import io.tracingplatform.tempo.targets.Distributor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Grafana Tempo in microservices mode: one component composing every target of {@link TempoPlan}, memcached
 * and the gossip ring, NetworkPolicies in front of every pod ({@link EntryPointPolicies}, {@link InternalPolicies}), plus
 * ServiceMonitors and a PrometheusRule where the Prometheus Operator is present.
 */
public final class TempoCluster extends ComponentResource {
    public static final String TYPE = "tracing-platform:tempo:TempoCluster";
    public static final String APP = "tempo";
    public static final String GOSSIP_RING = "gossip-ring";
    /** The ServiceAccount of targets that never touch the bucket: no cloud identity. */
    public static final String INTERNAL_SERVICE_ACCOUNT = "tempo-internal";
    /** Pods of a per-zone workload carry its name under this label (selector of its StatefulSet and Service). */
    public static final String WORKLOAD_LABEL = "tracing-platform.io/workload";
    public static final String VULTURE = "vulture";
    /**
     * The tenant tempo-vulture writes and reads as: a reserved id, so no team can take it; the cost review counts
     * its few bytes as the platform's.
     */
    public static final String VULTURE_TENANT = "tempo-vulture";
    static final int UID = 10001; // the Tempo image's user
    static final int MEMCACHED_UID = 11211; // the memcached image's user

    private final String name;
    private final String namespace;
    private final String environment;
    private final Map<String, String> objectAnnotations;
    private final CustomResourceOptions opts;

    public TempoCluster(String name, StackSettings settings, TempoPlan plan, StoragePlan.TempoStorage storage,
                        TempoClients clients, Providers providers, ComponentResourceOptions options) {
        super(TYPE, name, options);
        this.name = name;
        this.namespace = settings.kubernetes().namespace();
        this.environment = settings.environment();
        this.objectAnnotations = settings.kubernetes().objectAnnotations();
        this.opts = CustomResourceOptions.builder().parent(this).provider(providers.kubernetes()).build();

        new ServiceAccount(Names.child(name, "internal-service-account"), ServiceAccountArgs.builder()
                .metadata(meta(INTERNAL_SERVICE_ACCOUNT, "service-account"))
                .automountServiceAccountToken(false)
                .build(), opts);

        new ConfigMap(Names.child(name, "overrides"), ConfigMapArgs.builder()
                .metadata(meta(TempoPlan.OVERRIDES_CONFIG_MAP, "overrides"))
                .data(Map.of("overrides.yaml", plan.overridesYaml()))
                .build(), opts);

        var budgets = new java.util.HashSet<String>();
        for (var w : plan.workloads()) {
            new ConfigMap(Names.child(name, w.name() + "-config"), ConfigMapArgs.builder()
                    .metadata(meta(configMapName(w.name()), w.target()))
                    .data(Map.of("tempo.yaml", plan.configs().get(w.name())))
                    .build(), opts);
            workload(w, plan, settings, storage);
            // A StatefulSet's serviceName must name a headless Service (per-pod DNS records; the API docs' contract).
            // Clients reach these targets through the ring, not the Service, so nothing needs a virtual IP.
            service(w.name(), w.target(), selector(w), w.servicePorts(), w.statefulSet(), false);
            // One budget per target: per-zone ingesters share one, so a drain never takes two zones' pods at once.
            if (plan.replicas(w.target()) > 1 && budgets.add(w.target())) disruptionBudget(w.target(), w.statefulSet());
            if (w.hpa()) autoscaler(w, settings.tempo().hpaMaxFactor());
        }
        // Queriers find the frontends through this headless Service, also before they are ready. Its own component
        // label keeps it out of the query-frontend ServiceMonitor (else every frontend pod is scraped twice).
        service("query-frontend-discovery", "query-frontend-discovery", Labels.selector(APP, APP, "query-frontend"),
                Map.of("grpc", WorkloadSpec.GRPC), true, true);
        // Gateways resolve this headless Service (dns:///) to every ready distributor and balance round-robin: with a
        // ClusterIP each gateway pins one HTTP/2 connection to one distributor, and the global rate strategy divides
        // each tenant's limit by the healthy distributors (modules/distributor/ingestion_rate_strategy.go,
        // globalStrategy.Limit; not re-read here), so tenants were throttled far below their limit.
        service(Distributor.DISCOVERY_SERVICE, Distributor.DISCOVERY_SERVICE, Labels.selector(APP, APP, "distributor"),
                Map.of("otlp-grpc", Distributor.OTLP_GRPC), true, false);
        // Every ring member joins through this headless Service.
        var ringSelector = new TreeMap<String, String>();
        ringSelector.put(Labels.PART_OF, "memberlist");
        ringSelector.put(Labels.INSTANCE, APP);
        service(GOSSIP_RING, "gossip-ring", ringSelector, Map.of("gossip-ring", WorkloadSpec.GOSSIP), true, true);

        vulture(plan, settings);
        memcached(plan, settings);
        if (settings.tempo().networkPolicy()) {
            // Every Tempo pod: the entry points and the inner tiers (per-zone ingesters share the ingester's).
            InternalPolicies.byComponent(clients, EntryPointPolicies.scrapers(clients, settings.tempo())).forEach(this::networkPolicy);
        }

        if (settings.tempo().prometheusOperator()) {
            // One ServiceMonitor per target: it selects the target's Services (one, or one per zone, each selecting
            // disjoint pods), so every pod is scraped once, as job "<namespace>/<target>", the label Tempo's mixin
            // dashboards and alerts match on (job=~"($namespace)/ingester", operations/tempo-mixin).
            for (String target : plan.targets()) serviceMonitor(target, target + "-prom-metrics");
            serviceMonitor(TempoPlan.MEMCACHED, "exporter-http-metrics");
            serviceMonitor(VULTURE, "prom-metrics");
            new KubernetesCustomResource(Names.child(name, "alerts"), new KubernetesCustomResource.Args(
                    "monitoring.coreos.com/v1", "PrometheusRule", meta("tempo-alerts", "alerts"),
                    TempoAlerts.ruleGroups(namespace, environment)), opts);
        }
        registerOutputs(Map.of());
    }

    /** Only {@code rules} reach the pods of {@code target} (every workload of it); see {@link InternalPolicies}. */
    private void networkPolicy(String target, List<NetworkPolicies.Rule> rules) {
        NetworkPolicies.create(Names.child(name, target + "-network-policy"), meta(target, target),
                Labels.selector(APP, APP, target), rules, opts);
    }

    public static String configMapName(String target) {
        return "tempo-" + target;
    }

    private ObjectMetaArgs meta(String objectName, String component) {
        return ObjectMetaArgs.builder().name(objectName).namespace(namespace)
                .labels(Labels.of(APP, APP, component, environment)).annotations(objectAnnotations).build();
    }

    /** Pod labels: ring members are part of the memberlist (the gossip-ring Service selects them). */
    private Map<String, String> podLabels(String component, boolean ringMember) {
        var labels = new TreeMap<>(Labels.of(APP, APP, component, environment));
        if (ringMember) labels.put(Labels.PART_OF, "memberlist");
        return labels;
    }

    /** A workload's pods: its target's, and in its zone where it has one (per-zone StatefulSets never overlap). */
    static Map<String, String> selector(WorkloadSpec w) {
        var selector = new TreeMap<>(Labels.selector(APP, APP, w.target()));
        w.zone().ifPresent(z -> selector.put(WORKLOAD_LABEL, w.name()));
        return selector;
    }

    private void workload(WorkloadSpec w, TempoPlan plan, StackSettings settings, StoragePlan.TempoStorage storage) {
        var selector = selector(w);
        var ports = new ArrayList<ContainerPortArgs>();
        w.ports().entrySet().stream().sorted(Map.Entry.comparingByValue())
                .forEach(p -> ports.add(ContainerPortArgs.builder().name(p.getKey()).containerPort(p.getValue()).build()));
        var mounts = new ArrayList<>(List.of(
                VolumeMountArgs.builder().name("tempo-conf").mountPath("/conf").build(),
                VolumeMountArgs.builder().name("overrides").mountPath("/overrides").build()));
        var volumes = new ArrayList<>(List.of(
                VolumeArgs.builder().name("tempo-conf").configMap(ConfigMapVolumeSourceArgs.builder()
                        .name(configMapName(w.name())).build()).build(),
                VolumeArgs.builder().name("overrides").configMap(ConfigMapVolumeSourceArgs.builder()
                        .name(TempoPlan.OVERRIDES_CONFIG_MAP).build()).build()));
        if (w.volume().isPresent()) {
            mounts.add(VolumeMountArgs.builder().name(w.volume().get().name()).mountPath(w.volume().get().mountPath()).build());
        } else {
            // Read-only root filesystem: Tempo's scratch space is an emptyDir.
            mounts.add(VolumeMountArgs.builder().name("scratch").mountPath("/var/tempo").build());
            volumes.add(VolumeArgs.builder().name("scratch").emptyDir(EmptyDirVolumeSourceArgs.builder().build()).build());
        }
        var container = ContainerArgs.builder()
                .name(w.target())
                .image(plan.image())
                .args(w.args())
                .env(Workloads.goMemLimit(w.size().memoryLimit()))
                .ports(ports)
                .readinessProbe(ProbeArgs.builder().httpGet(HTTPGetActionArgs.builder().path("/ready").port(WorkloadSpec.HTTP).build())
                        .initialDelaySeconds(15).timeoutSeconds(1).build())
                .resources(resources(w.size()))
                .securityContext(Hardening.container())
                .volumeMounts(mounts);
        if (w.usesBucket() && storage.credentialsSecret().isPresent()) {
            container.envFrom(EnvFromSourceArgs.builder().secretRef(SecretEnvSourceArgs.builder()
                    .name(storage.credentialsSecret().get()).build()).build());
        }
        var pod = PodSpecArgs.builder()
                .serviceAccountName(w.usesBucket() ? storage.serviceAccount() : INTERNAL_SERVICE_ACCOUNT)
                .automountServiceAccountToken(false)
                .securityContext(Hardening.pod(UID))
                .terminationGracePeriodSeconds(w.terminationGraceSeconds())
                .containers(container.build())
                .volumes(volumes)
                .affinity(affinity(w, selector));
        if (w.zoneSpread()) {
            pod.topologySpreadConstraints(TopologySpreadConstraintArgs.builder()
                    .maxSkew(1)
                    .topologyKey("topology.kubernetes.io/zone")
                    .whenUnsatisfiable(settings.tempo().zoneSpread().equals("required") ? "DoNotSchedule" : "ScheduleAnyway")
                    .labelSelector(LabelSelectorArgs.builder().matchLabels(selector).build())
                    .build());
        }
        var template = PodTemplateSpecArgs.builder()
                .metadata(ObjectMetaArgs.builder().labels(podLabels(w))
                        .annotations(Map.of("tracing-platform.io/config-hash", plan.configHashes().get(w.name()))).build())
                .spec(pod.build())
                .build();
        var metadata = meta(w.name(), w.target());
        if (w.statefulSet()) {
            var volume = w.volume().orElseThrow();
            var pvc = PersistentVolumeClaimSpecArgs.builder().accessModes("ReadWriteOnce")
                    .resources(ResourceRequirementsArgs.builder().requests(Map.of("storage", volume.size())).build());
            settings.tempo().storageClass().ifPresent(pvc::storageClassName);
            new StatefulSet(Names.child(name, w.name()), StatefulSetArgs.builder()
                    .metadata(metadata)
                    .spec(StatefulSetSpecArgs.builder()
                            .serviceName(w.name())
                            .podManagementPolicy("Parallel")
                            .replicas(w.size().replicas())
                            .selector(LabelSelectorArgs.builder().matchLabels(selector).build())
                            .persistentVolumeClaimRetentionPolicy(StatefulSetPersistentVolumeClaimRetentionPolicyArgs.builder()
                                    .whenDeleted("Retain").whenScaled("Retain").build())
                            .template(template)
                            .volumeClaimTemplates(PersistentVolumeClaimArgs.builder()
                                    .metadata(ObjectMetaArgs.builder().name(volume.name())
                                            .labels(Labels.of(APP, APP, w.name(), environment)).build())
                                    .spec(pvc.build()).build())
                            .build())
                    .build(), CustomResourceOptions.builder().parent(this).provider(opts.getProvider().orElseThrow())
                            .retainOnDelete(true).aliases(aliases(w)).build());
        } else {
            var spec = DeploymentSpecArgs.builder()
                    .selector(LabelSelectorArgs.builder().matchLabels(selector).build())
                    .template(template);
            // With an HPA the replica count is the HPA's: leaving it out keeps pulumi up from undoing a scale-out.
            if (!w.hpa()) spec.replicas(w.size().replicas());
            new Deployment(Names.child(name, w.name()), DeploymentArgs.builder().metadata(metadata).spec(spec.build()).build(), opts);
        }
    }

    private Map<String, String> podLabels(WorkloadSpec w) {
        var labels = new TreeMap<>(podLabels(w.target(), w.ringMember()));
        labels.putAll(selector(w));
        return labels;
    }

    /**
     * Spread over nodes (preferred); a per-zone workload is pinned to its zone (required): its ring zone must be the
     * zone it really runs in, else zone-aware replication protects nothing.
     */
    private static AffinityArgs affinity(WorkloadSpec w, Map<String, String> selector) {
        var affinity = AffinityArgs.builder().podAntiAffinity(PodAntiAffinityArgs.builder()
                .preferredDuringSchedulingIgnoredDuringExecution(WeightedPodAffinityTermArgs.builder().weight(100)
                        .podAffinityTerm(PodAffinityTermArgs.builder().topologyKey("kubernetes.io/hostname")
                                .labelSelector(LabelSelectorArgs.builder().matchLabels(selector).build()).build())
                        .build())
                .build());
        w.zone().ifPresent(zone -> affinity.nodeAffinity(NodeAffinityArgs.builder()
                .requiredDuringSchedulingIgnoredDuringExecution(NodeSelectorArgs.builder().nodeSelectorTerms(
                        NodeSelectorTermArgs.builder().matchExpressions(NodeSelectorRequirementArgs.builder()
                                .key("topology.kubernetes.io/zone").operator("In").values(zone).build()).build()).build())
                .build()));
        return affinity.build();
    }

    private List<com.pulumi.core.Output<com.pulumi.core.Alias>> aliases(WorkloadSpec w) {
        var out = new ArrayList<com.pulumi.core.Output<com.pulumi.core.Alias>>();
        for (String old : w.aliases()) {
            out.add(com.pulumi.core.Output.of(com.pulumi.core.Alias.builder().name(Names.child(name, old)).build()));
        }
        return out;
    }

    private static ResourceRequirementsArgs resources(Sizing.Size s) {
        return Workloads.resources(s.cpu(), s.memory(), s.cpuLimit(), s.memoryLimit());
    }

    private void service(String objectName, String component, Map<String, String> selector, Map<String, Integer> ports,
                         boolean headless, boolean publishNotReady) {
        var portArgs = new ArrayList<ServicePortArgs>();
        ports.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .forEach(p -> portArgs.add(ServicePortArgs.builder().name(p.getKey()).port(p.getValue())
                        .targetPort(p.getKey().equals("http") ? WorkloadSpec.HTTP : p.getValue()).protocol("TCP").build()));
        var spec = ServiceSpecArgs.builder().selector(selector).ports(portArgs);
        if (headless) spec.clusterIP("None");
        if (publishNotReady) spec.publishNotReadyAddresses(true);
        new Service(Names.child(name, objectName + "-service"), ServiceArgs.builder()
                .metadata(meta(objectName, component)).spec(spec.build()).build(), opts);
    }

    private void disruptionBudget(String component, boolean statefulSet) {
        // One pod down at a time: for ingesters (RF 3) that keeps every trace on two replicas during a drain.
        new PodDisruptionBudget(Names.child(name, component + "-pdb"), PodDisruptionBudgetArgs.builder()
                .metadata(meta(component, component))
                .spec(Monitoring.oneDown(Labels.selector(APP, APP, component)))
                .build(), opts);
    }

    private void autoscaler(WorkloadSpec w, int maxFactor) {
        int min = w.size().replicas();
        new HorizontalPodAutoscaler(Names.child(name, w.name() + "-hpa"), HorizontalPodAutoscalerArgs.builder()
                .metadata(meta(w.name(), w.name()))
                .spec(HorizontalPodAutoscalerSpecArgs.builder()
                        .scaleTargetRef(CrossVersionObjectReferenceArgs.builder().apiVersion("apps/v1").kind("Deployment").name(w.name()).build())
                        .minReplicas(min)
                        .maxReplicas(Math.max(min + 1, min * maxFactor))
                        .metrics(MetricSpecArgs.builder().type("Resource").resource(ResourceMetricSourceArgs.builder()
                                .name("cpu").target(MetricTargetArgs.builder().type("Utilization").averageUtilization(70).build())
                                .build()).build())
                        .build())
                .build(), opts);
    }

    private void memcached(TempoPlan plan, StackSettings settings) {
        var size = plan.memcached();
        var selector = Labels.selector(APP, APP, TempoPlan.MEMCACHED);
        // -m is the cache size in MB: 80% of the memory request, the rest for connections and the exporter.
        long memoryMb = parseMebibytes(size.memory()) * 8 / 10;
        var memcached = ContainerArgs.builder()
                .name("memcached")
                .image(settings.release().image("memcached"))
                .args("-m " + memoryMb, "-I 5m", "-c 4096", "-v")
                .ports(ContainerPortArgs.builder().name("client").containerPort(InternalPolicies.MEMCACHED).build())
                .readinessProbe(ProbeArgs.builder().tcpSocket(TCPSocketActionArgs.builder().port(InternalPolicies.MEMCACHED).build()).build())
                .resources(resources(size))
                .securityContext(Hardening.container())
                .build();
        var exporter = ContainerArgs.builder()
                .name("exporter")
                .image(settings.release().image("memcachedExporter"))
                .args("--memcached.address=localhost:" + InternalPolicies.MEMCACHED,
                        "--web.listen-address=0.0.0.0:" + InternalPolicies.MEMCACHED_EXPORTER)
                .ports(ContainerPortArgs.builder().name("http-metrics").containerPort(InternalPolicies.MEMCACHED_EXPORTER).build())
                .env(Workloads.goMemLimit("64Mi")) // the exporter is a Go program; memcached itself is C
                .resources(Workloads.resources("10m", "32Mi", "100m", "64Mi"))
                .securityContext(Hardening.container())
                .build();
        new StatefulSet(Names.child(name, TempoPlan.MEMCACHED), StatefulSetArgs.builder()
                .metadata(meta(TempoPlan.MEMCACHED, TempoPlan.MEMCACHED))
                .spec(StatefulSetSpecArgs.builder()
                        .serviceName(TempoPlan.MEMCACHED)
                        .replicas(size.replicas())
                        .podManagementPolicy("Parallel")
                        .selector(LabelSelectorArgs.builder().matchLabels(selector).build())
                        .template(PodTemplateSpecArgs.builder()
                                .metadata(ObjectMetaArgs.builder().labels(podLabels(TempoPlan.MEMCACHED, false)).build())
                                .spec(PodSpecArgs.builder()
                                        .serviceAccountName(INTERNAL_SERVICE_ACCOUNT)
                                        .automountServiceAccountToken(false)
                                        .securityContext(Hardening.pod(MEMCACHED_UID))
                                        .containers(memcached, exporter)
                                        .build())
                                .build())
                        .build())
                .build(), opts);
        var ports = new LinkedHashMap<String, Integer>();
        ports.put("memcached-client", InternalPolicies.MEMCACHED); // Tempo looks up _memcached-client._tcp (SRV)
        ports.put("exporter-http-metrics", InternalPolicies.MEMCACHED_EXPORTER);
        service(TempoPlan.MEMCACHED, TempoPlan.MEMCACHED, selector, ports, true, false);
    }

    static long parseMebibytes(String quantity) {
        if (quantity.endsWith("Gi")) return (long) (Double.parseDouble(quantity.replace("Gi", "")) * 1024);
        if (quantity.endsWith("Mi")) return (long) Double.parseDouble(quantity.replace("Mi", ""));
        throw new IllegalArgumentException("memcached memory must be in Mi or Gi: " + quantity);
    }

    private void serviceMonitor(String component, String port) {
        new KubernetesCustomResource(Names.child(name, component + "-monitor"), new KubernetesCustomResource.Args(
                "monitoring.coreos.com/v1", "ServiceMonitor", meta(component, component),
                Monitoring.serviceMonitorSpec(Labels.selector(APP, APP, component), namespace, port,
                        namespace + "/" + component)), opts);
    }

    /**
     * tempo-vulture (Tempo's own prober, image at the release's Tempo tag) writes traces through a distributor and
     * reads them back through the query-frontend, so the platform measures its own write-to-read path. Args after
     * grafana/tempo operations/jsonnet-compiled/microservices Deployment-vulture (v2.10.8); its push URL names a
     * host, the exporter dials its OTLP gRPC port 4317 (cmd/tempo-vulture/main.go; not re-read here).
     */
    private void vulture(TempoPlan plan, StackSettings settings) {
        var selector = Labels.selector(APP, APP, VULTURE);
        var container = ContainerArgs.builder()
                .name(VULTURE)
                .image(settings.release().image("tempoVulture"))
                .args("-prometheus-listen-address=:" + InternalPolicies.VULTURE_METRICS,
                        "-tempo-push-url=http://distributor",
                        "-tempo-query-url=http://query-frontend:" + WorkloadSpec.HTTP,
                        "-tempo-org-id=" + VULTURE_TENANT,
                        "-tempo-retention-duration=" + io.tracingplatform.config.Durations.toGo(settings.tenants().defaults().retention()),
                        "-tempo-search-backoff-duration=5s",
                        "-tempo-read-backoff-duration=10s",
                        "-tempo-metrics-backoff-duration=0s",
                        "-tempo-write-backoff-duration=10s",
                        "-tempo-long-write-backoff-duration=50s")
                .env(Workloads.goMemLimit("500Mi"))
                .ports(ContainerPortArgs.builder().name("prom-metrics").containerPort(InternalPolicies.VULTURE_METRICS).build())
                .resources(Workloads.resources("50m", "100Mi", "100m", "500Mi"))
                .securityContext(Hardening.container())
                .build();
        new Deployment(Names.child(name, VULTURE), DeploymentArgs.builder()
                .metadata(meta(VULTURE, VULTURE))
                .spec(DeploymentSpecArgs.builder()
                        .replicas(1)
                        .selector(LabelSelectorArgs.builder().matchLabels(selector).build())
                        .template(PodTemplateSpecArgs.builder()
                                .metadata(ObjectMetaArgs.builder().labels(podLabels(VULTURE, false)).build())
                                .spec(PodSpecArgs.builder()
                                        .serviceAccountName(INTERNAL_SERVICE_ACCOUNT)
                                        .automountServiceAccountToken(false)
                                        .securityContext(Hardening.pod(UID))
                                        .containers(container)
                                        .build())
                                .build())
                        .build())
                .build(), opts);
        service(VULTURE, VULTURE, selector, Map.of("prom-metrics", InternalPolicies.VULTURE_METRICS), false, false);
    }
}
