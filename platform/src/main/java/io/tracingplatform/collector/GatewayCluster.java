package io.tracingplatform.collector;

import com.pulumi.kubernetes.apps.v1.StatefulSet;
import com.pulumi.kubernetes.apps.v1.StatefulSetArgs;
import com.pulumi.kubernetes.apps.v1.inputs.StatefulSetPersistentVolumeClaimRetentionPolicyArgs;
import com.pulumi.kubernetes.apps.v1.inputs.StatefulSetSpecArgs;
import com.pulumi.core.Output;
import com.pulumi.kubernetes.autoscaling.v2.HorizontalPodAutoscaler;
import com.pulumi.kubernetes.autoscaling.v2.HorizontalPodAutoscalerArgs;
import com.pulumi.kubernetes.autoscaling.v2.inputs.CrossVersionObjectReferenceArgs;
import com.pulumi.kubernetes.autoscaling.v2.inputs.HorizontalPodAutoscalerSpecArgs;
import com.pulumi.kubernetes.autoscaling.v2.inputs.MetricSpecArgs;
import com.pulumi.kubernetes.autoscaling.v2.inputs.MetricTargetArgs;
import com.pulumi.kubernetes.autoscaling.v2.inputs.ResourceMetricSourceArgs;
import com.pulumi.kubernetes.core.v1.ConfigMap;
import com.pulumi.kubernetes.core.v1.ConfigMapArgs;
import com.pulumi.kubernetes.core.v1.Secret;
import com.pulumi.kubernetes.core.v1.SecretArgs;
import com.pulumi.kubernetes.core.v1.Service;
import com.pulumi.kubernetes.core.v1.ServiceAccount;
import com.pulumi.kubernetes.core.v1.ServiceAccountArgs;
import com.pulumi.kubernetes.core.v1.ServiceArgs;
import com.pulumi.kubernetes.core.v1.inputs.AffinityArgs;
import com.pulumi.kubernetes.core.v1.inputs.ConfigMapVolumeSourceArgs;
import com.pulumi.kubernetes.core.v1.inputs.ContainerArgs;
import com.pulumi.kubernetes.core.v1.inputs.ContainerPortArgs;
import com.pulumi.kubernetes.core.v1.inputs.HTTPGetActionArgs;
import com.pulumi.kubernetes.core.v1.inputs.PersistentVolumeClaimArgs;
import com.pulumi.kubernetes.core.v1.inputs.PersistentVolumeClaimSpecArgs;
import com.pulumi.kubernetes.core.v1.inputs.PodAffinityTermArgs;
import com.pulumi.kubernetes.core.v1.inputs.PodAntiAffinityArgs;
import com.pulumi.kubernetes.core.v1.inputs.PodSpecArgs;
import com.pulumi.kubernetes.core.v1.inputs.PodTemplateSpecArgs;
import com.pulumi.kubernetes.core.v1.inputs.ProbeArgs;
import com.pulumi.kubernetes.core.v1.inputs.ResourceRequirementsArgs;
import com.pulumi.kubernetes.core.v1.inputs.SecretVolumeSourceArgs;
import com.pulumi.kubernetes.core.v1.inputs.ServicePortArgs;
import com.pulumi.kubernetes.core.v1.inputs.ServiceSpecArgs;
import com.pulumi.kubernetes.core.v1.inputs.VolumeArgs;
import com.pulumi.kubernetes.core.v1.inputs.VolumeMountArgs;
import com.pulumi.kubernetes.core.v1.inputs.WeightedPodAffinityTermArgs;
import com.pulumi.kubernetes.meta.v1.inputs.LabelSelectorArgs;
import com.pulumi.kubernetes.meta.v1.inputs.ObjectMetaArgs;
import com.pulumi.kubernetes.networking.v1.Ingress;
import com.pulumi.kubernetes.networking.v1.IngressArgs;
import com.pulumi.kubernetes.policy.v1.PodDisruptionBudget;
import com.pulumi.kubernetes.policy.v1.PodDisruptionBudgetArgs;
import com.pulumi.resources.ComponentResourceOptions;
import com.pulumi.resources.CustomResourceOptions;
import io.tracingplatform.Providers;
import io.tracingplatform.config.StackSettings;
import io.tracingplatform.k8s.Hardening;
import io.tracingplatform.k8s.KubernetesCustomResource;
import io.tracingplatform.k8s.KubernetesComponent;
import io.tracingplatform.k8s.Labels;
import io.tracingplatform.k8s.Monitoring;
import io.tracingplatform.k8s.Names;
import io.tracingplatform.k8s.NetworkPolicies;
import io.tracingplatform.k8s.Workloads;
import com.pulumi.kubernetes.autoscaling.v2.inputs.HPAScalingRulesArgs;
import com.pulumi.kubernetes.autoscaling.v2.inputs.HorizontalPodAutoscalerBehaviorArgs;
import com.pulumi.kubernetes.core.v1.inputs.EnvVarArgs;
import com.pulumi.kubernetes.core.v1.inputs.EnvVarSourceArgs;
import com.pulumi.kubernetes.core.v1.inputs.KeyToPathArgs;
import com.pulumi.kubernetes.core.v1.inputs.SecretKeySelectorArgs;
import com.pulumi.kubernetes.core.v1.inputs.TopologySpreadConstraintArgs;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The OpenTelemetry Collector gateways: the authenticated OTLP entry point teams send to, and the tail-sampling
 * tier behind it when some tenant samples. StatefulSets rather than Deployments: each pod keeps its persistent
 * sending queue on its own volume, so data it accepted survives a restart or rescheduling (a Deployment's pods
 * cannot each own a ReadWriteOnce volume).
 */
public final class GatewayCluster extends KubernetesComponent {
    public static final String TYPE = "tracing-platform:collector:GatewayCluster";
    public static final String HTPASSWD_SECRET = "otel-gateway-htpasswd";
    /** The gateway's credential at the sampling tier: its password (gateway env) and the sampler's htpasswd. */
    public static final String SAMPLER_AUTH_SECRET = "otel-sampler-auth";
    static final int UID = 10001; // the otelcol-contrib image's user


    /**
     * @param scrapers who may read the collectors' metrics port, when the platform's NetworkPolicies are on (tempo.networkPolicy):
     *     the metrics name every tenant's exporter and pipeline, so a team's pod must not read them
     */
    public GatewayCluster(String name, StackSettings settings, GatewayPlan plan,
                          java.util.Optional<List<NetworkPolicies.Peer>> scrapers, Providers providers,
                          ComponentResourceOptions options) {
        super(TYPE, name, settings, providers, options);
        var g = settings.gateway();

        new ServiceAccount(Names.child(name, "service-account"), ServiceAccountArgs.builder()
                .metadata(meta(GatewayPlan.GATEWAY, "gateway")).automountServiceAccountToken(false).build(), opts);

        // Only the hashes of the tenants' credentials (both generations during a rotation window), as a Secret mounted as a file.
        var htpasswd = settings.credentialSeed().output().applyValue(seed -> GatewayCredentials.htpasswd(seed, plan.tenants(), plan.credentials()));
        new Secret(Names.child(name, "htpasswd"), SecretArgs.builder()
                .metadata(meta(HTPASSWD_SECRET, "gateway"))
                .type("Opaque")
                .stringData(htpasswd.applyValue(h -> Map.of("htpasswd", h)))
                .build(), CustomResourceOptions.builder().parent(this).provider(providers.kubernetes())
                        .additionalSecretOutputs(List.of("stringData", "data")).build());

        // basicauth reads the htpasswd file only at start: the pods roll on its digest (tenants, generation, the seed and
        // a rotation window opening or closing all change it), not on the config alone. Derived from the seed, the annotation is a Pulumi secret in state
        // (shown as [secret] in previews); its value, a digest of password hashes, gives nothing away in the cluster.
        Output<String> rollKey = htpasswd.applyValue(h -> Monitoring.configHash(plan.gatewayYaml() + "|" + h));
        // The HPA owns the gateway's replica count (null here): a replicas field would reset every scale-out at each up.
        collector(GatewayPlan.GATEWAY, "gateway", plan.gatewayYaml(), rollKey, null, true, plan.samplerYaml().isPresent(), settings);
        var ports = new TreeMap<String, Integer>();
        ports.put("otlp-grpc", GatewayPlan.OTLP_GRPC);
        ports.put("otlp-http", GatewayPlan.OTLP_HTTP);
        // No metrics port on the Service teams send to: the collector's own metrics name every tenant's exporter.
        // Metrics are on the headless -pods Service only, so the ServiceMonitor scrapes each pod once.
        service(GatewayPlan.GATEWAY, "gateway", ports, false);
        service(GatewayPlan.GATEWAY + "-pods", "gateway", Map.of("metrics", GatewayPlan.METRICS), true);
        autoscaler(g.replicas(), g.maxReplicas());
        if (g.replicas() > 1) disruptionBudget(GatewayPlan.GATEWAY, "gateway");
        g.ingressHost().ifPresent(host -> ingress(host, g.ingressClassName(), g.ingressTlsSecret().orElseThrow()));
        scrapers.ifPresent(this::gatewayPolicy);

        if (plan.samplerYaml().isPresent()) {
            var seed = settings.credentialSeed().output();
            new Secret(Names.child(name, "sampler-auth"), SecretArgs.builder()
                    .metadata(meta(SAMPLER_AUTH_SECRET, "sampler"))
                    .type("Opaque")
                    .stringData(seed.applyValue(sd -> Map.of("authorization", GatewayCredentials.samplerAuthorization(sd),
                            "htpasswd", GatewayCredentials.samplerHtpasswd(sd))))
                    .build(), CustomResourceOptions.builder().parent(this).provider(providers.kubernetes())
                            .additionalSecretOutputs(List.of("stringData", "data")).build());
            collector(GatewayPlan.SAMPLER, "sampler", plan.samplerYaml().get(),
                    seed.applyValue(sd -> Monitoring.configHash(plan.samplerYaml().get() + "|"
                            + GatewayCredentials.samplerHtpasswd(sd))),
                    g.samplerReplicas(), false, true, settings);
            // Headless: the load-balancing exporter resolves every sampler pod and keeps each trace on one.
            service(GatewayPlan.SAMPLER, "sampler", Map.of("otlp-grpc", GatewayPlan.OTLP_GRPC, "metrics", GatewayPlan.METRICS), true);
            if (g.samplerReplicas() > 1) disruptionBudget(GatewayPlan.SAMPLER, "sampler");
            samplerOnlyFromGateway(scrapers);
        }
        if (settings.tempo().prometheusOperator()) {
            new KubernetesCustomResource(Names.child(name, "alerts"), new KubernetesCustomResource.Args(
                    "monitoring.coreos.com/v1", "PrometheusRule", meta("gateway-alerts", "gateway"),
                    GatewayAlerts.ruleGroups(namespace, environment)), opts);
            serviceMonitor(GatewayPlan.GATEWAY, "gateway");
            if (plan.samplerYaml().isPresent()) serviceMonitor(GatewayPlan.SAMPLER, "sampler");
        }
        registerOutputs(Map.of());
    }

    /** The in-cluster OTLP/HTTP endpoint teams send to. */
    public static String endpoint(String namespace) {
        return "http://" + GatewayPlan.GATEWAY + "." + namespace + ".svc.cluster.local:" + GatewayPlan.OTLP_HTTP;
    }

    private ObjectMetaArgs meta(String objectName, String component) {
        return meta(GatewayPlan.GATEWAY, objectName, component);
    }

    /**
     * @param authenticated whether teams send here (the tenants' htpasswd is mounted)
     * @param samplerAuth the gateway: its Authorization header for the sampler as an environment variable; the sampler: the
     *     gateway's htpasswd entry, mounted
     */
    private void collector(String objectName, String component, String yaml, Output<String> rollKey, Integer replicas,
                           boolean authenticated, boolean samplerAuth, StackSettings settings) {
        var g = settings.gateway();
        new ConfigMap(Names.child(name, component + "-config"), ConfigMapArgs.builder()
                .metadata(meta(objectName, component)).data(Map.of("collector.yaml", yaml)).build(), opts);
        var selector = Labels.selector(GatewayPlan.GATEWAY, GatewayPlan.GATEWAY, component);
        var mounts = new java.util.ArrayList<>(List.of(
                VolumeMountArgs.builder().name("config").mountPath("/conf").build(),
                VolumeMountArgs.builder().name("queue").mountPath(GatewayPlan.QUEUE_DIR).build()));
        var volumes = new java.util.ArrayList<>(List.of(
                VolumeArgs.builder().name("config").configMap(ConfigMapVolumeSourceArgs.builder().name(objectName).build()).build()));
        if (authenticated) {
            mounts.add(VolumeMountArgs.builder().name("auth").mountPath("/etc/otelcol/auth").readOnly(true).build());
            volumes.add(VolumeArgs.builder().name("auth").secret(SecretVolumeSourceArgs.builder().secretName(HTPASSWD_SECRET).build()).build());
        }
        var env = new java.util.ArrayList<EnvVarArgs>(List.of(Workloads.goMemLimit(g.memoryLimit())));
        // The pod's own name (downward API), where the config reads it: the instance label of the span metrics the
        // gateway computes (GatewayPlan.spanMetricsBeforeSampling).
        if (yaml.contains("${env:" + GatewayPlan.POD_NAME_ENV + "}")) {
            env.add(EnvVarArgs.builder().name(GatewayPlan.POD_NAME_ENV).valueFrom(EnvVarSourceArgs.builder()
                    .fieldRef(com.pulumi.kubernetes.core.v1.inputs.ObjectFieldSelectorArgs.builder().fieldPath("metadata.name")
                            .build()).build()).build());
        }
        if (samplerAuth && authenticated) {
            env.add(EnvVarArgs.builder().name(GatewayPlan.SAMPLER_AUTHORIZATION_ENV).valueFrom(EnvVarSourceArgs.builder()
                    .secretKeyRef(SecretKeySelectorArgs.builder().name(SAMPLER_AUTH_SECRET).key("authorization").build()).build()).build());
        } else if (samplerAuth) {
            mounts.add(VolumeMountArgs.builder().name("sampler-auth").mountPath("/etc/otelcol/sampler-auth").readOnly(true).build());
            volumes.add(VolumeArgs.builder().name("sampler-auth").secret(SecretVolumeSourceArgs.builder()
                    .secretName(SAMPLER_AUTH_SECRET).items(KeyToPathArgs.builder().key("htpasswd").path("htpasswd").build()).build()).build());
        }
        var health = HTTPGetActionArgs.builder().path("/").port(GatewayPlan.HEALTH).build();
        var container = ContainerArgs.builder()
                .name("otelcol")
                .image(settings.release().image("otelcolContrib"))
                .args("--config=/conf/collector.yaml")
                .ports(ContainerPortArgs.builder().name("otlp-grpc").containerPort(GatewayPlan.OTLP_GRPC).build(),
                        ContainerPortArgs.builder().name("otlp-http").containerPort(GatewayPlan.OTLP_HTTP).build(),
                        ContainerPortArgs.builder().name("metrics").containerPort(GatewayPlan.METRICS).build(),
                        ContainerPortArgs.builder().name("health").containerPort(GatewayPlan.HEALTH).build())
                // Start-up may compact a large persistent queue (compaction.on_start): up to 5 minutes before liveness
                // counts; readiness takes a pod out of the Service quickly, liveness restarts it only after 2 minutes.
                .startupProbe(ProbeArgs.builder().httpGet(health).periodSeconds(5).failureThreshold(60).build())
                .readinessProbe(ProbeArgs.builder().httpGet(health).periodSeconds(10).failureThreshold(3).build())
                .livenessProbe(ProbeArgs.builder().httpGet(health).periodSeconds(20).failureThreshold(6).build())
                // GOMEMLIMIT at 85% of the limit (Workloads.goMemLimit); memory_limiter refuses at 80%.
                .env(env)
                .resources(Workloads.resources(g.cpu(), g.memory(), g.cpuLimit(), g.memoryLimit()))
                .securityContext(Hardening.container())
                .volumeMounts(mounts)
                .build();
        new StatefulSet(Names.child(name, component), StatefulSetArgs.builder()
                .metadata(meta(objectName, component))
                .spec(StatefulSetSpecArgs.builder()
                        .serviceName(component.equals("gateway") ? GatewayPlan.GATEWAY + "-pods" : GatewayPlan.SAMPLER)
                        .podManagementPolicy("Parallel")
                        .replicas(replicas == null ? null : com.pulumi.core.Output.of(replicas))
                        .selector(LabelSelectorArgs.builder().matchLabels(selector).build())
                        .persistentVolumeClaimRetentionPolicy(StatefulSetPersistentVolumeClaimRetentionPolicyArgs.builder()
                                .whenDeleted("Retain").whenScaled("Retain").build())
                        .template(PodTemplateSpecArgs.builder()
                                .metadata(ObjectMetaArgs.builder().labels(Labels.of(GatewayPlan.GATEWAY, GatewayPlan.GATEWAY, component, environment))
                                        .annotations(rollKey.applyValue(k -> Map.of("tracing-platform.io/config-hash", k))).build())
                                .spec(PodSpecArgs.builder()
                                        .serviceAccountName(GatewayPlan.GATEWAY)
                                        .automountServiceAccountToken(false)
                                        .securityContext(Hardening.pod(UID))
                                        .terminationGracePeriodSeconds(60)
                                        .containers(container)
                                        .volumes(volumes)
                                        // Across zones where the nodes allow it, so one zone's loss leaves gateways.
                                        .topologySpreadConstraints(TopologySpreadConstraintArgs.builder().maxSkew(1)
                                                .topologyKey("topology.kubernetes.io/zone").whenUnsatisfiable("ScheduleAnyway")
                                                .labelSelector(LabelSelectorArgs.builder().matchLabels(selector).build()).build())
                                        .affinity(AffinityArgs.builder().podAntiAffinity(PodAntiAffinityArgs.builder()
                                                .preferredDuringSchedulingIgnoredDuringExecution(WeightedPodAffinityTermArgs.builder().weight(100)
                                                        .podAffinityTerm(PodAffinityTermArgs.builder().topologyKey("kubernetes.io/hostname")
                                                                .labelSelector(LabelSelectorArgs.builder().matchLabels(selector).build()).build())
                                                        .build()).build()).build())
                                        .build())
                                .build())
                        .volumeClaimTemplates(PersistentVolumeClaimArgs.builder()
                                .metadata(ObjectMetaArgs.builder().name("queue").build())
                                .spec(PersistentVolumeClaimSpecArgs.builder().accessModes("ReadWriteOnce")
                                        .resources(ResourceRequirementsArgs.builder().requests(Map.of("storage", g.queueVolumeSize())).build())
                                        .build())
                                .build())
                        .build())
                .build(), CustomResourceOptions.builder().parent(this).provider(opts.getProvider().orElseThrow())
                        .retainOnDelete(true).build());
    }

    private void service(String objectName, String component, Map<String, Integer> ports, boolean headless) {
        var list = new java.util.ArrayList<ServicePortArgs>();
        new TreeMap<>(ports).forEach((n, p) -> list.add(ServicePortArgs.builder().name(n).port(p).targetPort(p).protocol("TCP").build()));
        var spec = ServiceSpecArgs.builder().selector(Labels.selector(GatewayPlan.GATEWAY, GatewayPlan.GATEWAY, component)).ports(list);
        if (headless) spec.clusterIP("None");
        new Service(Names.child(name, objectName + "-service"), ServiceArgs.builder()
                .metadata(meta(objectName, component)).spec(spec.build()).build(), opts);
    }

    private void autoscaler(int min, int max) {
        new HorizontalPodAutoscaler(Names.child(name, "gateway-hpa"), HorizontalPodAutoscalerArgs.builder()
                .metadata(meta(GatewayPlan.GATEWAY, "gateway"))
                .spec(HorizontalPodAutoscalerSpecArgs.builder()
                        .scaleTargetRef(CrossVersionObjectReferenceArgs.builder().apiVersion("apps/v1").kind("StatefulSet")
                                .name(GatewayPlan.GATEWAY).build())
                        .minReplicas(min)
                        .maxReplicas(max)
                        // Never scale down by itself: a removed pod's retained volume keeps its queued spans until that
                        // ordinal returns. Scale down by hand after draining (runbooks/upgrade-the-platform.md).
                        .behavior(HorizontalPodAutoscalerBehaviorArgs.builder().scaleDown(HPAScalingRulesArgs.builder()
                                .selectPolicy("Disabled").build()).build())
                        .metrics(
                                MetricSpecArgs.builder().type("Resource").resource(ResourceMetricSourceArgs.builder().name("cpu")
                                        .target(MetricTargetArgs.builder().type("Utilization").averageUtilization(70).build()).build()).build(),
                                MetricSpecArgs.builder().type("Resource").resource(ResourceMetricSourceArgs.builder().name("memory")
                                        .target(MetricTargetArgs.builder().type("Utilization").averageUtilization(75).build()).build()).build())
                        .build())
                .build(), opts);
    }

    private void disruptionBudget(String objectName, String component) {
        new PodDisruptionBudget(Names.child(name, component + "-pdb"), PodDisruptionBudgetArgs.builder()
                .metadata(meta(objectName, component))
                .spec(Monitoring.oneDown(Labels.selector(GatewayPlan.GATEWAY, GatewayPlan.GATEWAY, component)))
                .build(), opts);
    }

    /** OTLP/HTTP from outside the cluster, TLS only (the setting refuses a host without a TLS Secret). */
    private void ingress(String host, java.util.Optional<String> className, String tlsSecret) {
        new Ingress(Names.child(name, "ingress"), IngressArgs.builder().metadata(meta(GatewayPlan.GATEWAY, "gateway"))
                .spec(Workloads.tlsIngress(host, "/v1/traces", GatewayPlan.GATEWAY, "otlp-http", className, tlsSecret)).build(), opts);
    }

    /**
     * Only gateway pods may reach the sampler, on OTLP gRPC (it also authenticates them: this holds where NetworkPolicy
     * is not enforced); its metrics only from the scrapers, or from anywhere where the platform's policies are off.
     */
    private void samplerOnlyFromGateway(java.util.Optional<List<NetworkPolicies.Peer>> scrapers) {
        NetworkPolicies.create(Names.child(name, "sampler-ingress"), meta(GatewayPlan.SAMPLER, "sampler"),
                Labels.selector(GatewayPlan.GATEWAY, GatewayPlan.GATEWAY, "sampler"), List.of(
                        NetworkPolicies.Rule.from(List.of(NetworkPolicies.pods(Labels.selector(GatewayPlan.GATEWAY, GatewayPlan.GATEWAY, "gateway"))),
                                GatewayPlan.OTLP_GRPC),
                        scrapers.map(peers -> NetworkPolicies.Rule.from(peers, GatewayPlan.METRICS))
                                .orElse(NetworkPolicies.Rule.fromAnywhere(GatewayPlan.METRICS))),
                opts);
    }

    /**
     * Teams send from anywhere (their namespaces, the Ingress controller) on OTLP; the metrics port, which names every
     * tenant's exporter and pipeline, only from the scrapers. Health (13133) is the kubelet's, always admitted;
     * pprof and zpages listen on localhost only.
     */
    private void gatewayPolicy(List<NetworkPolicies.Peer> scrapers) {
        NetworkPolicies.create(Names.child(name, "gateway-ingress"), meta(GatewayPlan.GATEWAY, "gateway"),
                Labels.selector(GatewayPlan.GATEWAY, GatewayPlan.GATEWAY, "gateway"), List.of(
                        NetworkPolicies.Rule.fromAnywhere(GatewayPlan.OTLP_GRPC, GatewayPlan.OTLP_HTTP),
                        NetworkPolicies.Rule.from(scrapers, GatewayPlan.METRICS)),
                opts);
    }

    private void serviceMonitor(String objectName, String component) {
        new KubernetesCustomResource(Names.child(name, component + "-monitor"), new KubernetesCustomResource.Args(
                "monitoring.coreos.com/v1", "ServiceMonitor", meta(objectName, component),
                Monitoring.serviceMonitorSpec(Labels.selector(GatewayPlan.GATEWAY, GatewayPlan.GATEWAY, component), namespace, "metrics")), opts);
    }
}
