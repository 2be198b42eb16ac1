package io.tracingplatform.local;

import com.pulumi.kubernetes.apps.v1.StatefulSet;
import com.pulumi.kubernetes.apps.v1.StatefulSetArgs;
import com.pulumi.kubernetes.apps.v1.inputs.StatefulSetPersistentVolumeClaimRetentionPolicyArgs;
import com.pulumi.kubernetes.apps.v1.inputs.StatefulSetSpecArgs;
import com.pulumi.kubernetes.core.v1.ConfigMap;
import com.pulumi.kubernetes.core.v1.ConfigMapArgs;
import com.pulumi.kubernetes.core.v1.Service;
import com.pulumi.kubernetes.core.v1.ServiceArgs;
import com.pulumi.kubernetes.core.v1.inputs.ConfigMapVolumeSourceArgs;
import com.pulumi.kubernetes.core.v1.inputs.ContainerArgs;
import com.pulumi.kubernetes.core.v1.inputs.ContainerPortArgs;
import com.pulumi.kubernetes.core.v1.inputs.EmptyDirVolumeSourceArgs;
import com.pulumi.kubernetes.core.v1.inputs.HTTPGetActionArgs;
import com.pulumi.kubernetes.core.v1.inputs.PersistentVolumeClaimArgs;
import com.pulumi.kubernetes.core.v1.inputs.PersistentVolumeClaimSpecArgs;
import com.pulumi.kubernetes.core.v1.inputs.PodSpecArgs;
import com.pulumi.kubernetes.core.v1.inputs.PodTemplateSpecArgs;
import com.pulumi.kubernetes.core.v1.inputs.ProbeArgs;
import com.pulumi.kubernetes.core.v1.inputs.ResourceRequirementsArgs;
import com.pulumi.kubernetes.core.v1.inputs.ServicePortArgs;
import com.pulumi.kubernetes.core.v1.inputs.ServiceSpecArgs;
import com.pulumi.kubernetes.core.v1.inputs.VolumeArgs;
import com.pulumi.kubernetes.core.v1.inputs.VolumeMountArgs;
import com.pulumi.kubernetes.meta.v1.inputs.LabelSelectorArgs;
import com.pulumi.kubernetes.meta.v1.inputs.ObjectMetaArgs;
import com.pulumi.resources.ComponentResourceOptions;
import com.pulumi.resources.CustomResourceOptions;
import io.tracingplatform.Providers;
import io.tracingplatform.config.StackSettings;
import io.tracingplatform.k8s.Hardening;
import io.tracingplatform.k8s.KubernetesComponent;
import io.tracingplatform.k8s.Labels;
import io.tracingplatform.k8s.Names;
import io.tracingplatform.k8s.Workloads;
import java.util.List;
import java.util.Map;

/**
 * Single-binary Loki and Prometheus for the local stack (see {@link LocalBackendsPlan}), each a one-replica
 * StatefulSet with a retained volume, hardened like every platform container, plus the headless Service through
 * whose DNS records Prometheus finds the platform's metrics ports (no API access, no token).
 */
public final class LocalBackends extends KubernetesComponent {
    public static final String TYPE = "tracing-platform:local:LocalBackends";
    static final int PROMETHEUS_UID = 65534; // the prom/prometheus image's user (nobody)
    static final int LOKI_UID = 10001; // the grafana/loki image's user

    private final CustomResourceOptions retained;

    public LocalBackends(String name, StackSettings settings, LocalBackendsPlan plan, Providers providers,
                         ComponentResourceOptions options) {
        super(TYPE, name, settings, providers, options);
        this.retained = CustomResourceOptions.builder().parent(this).provider(providers.kubernetes()).retainOnDelete(true).build();
        String p = LocalBackendsPlan.PROMETHEUS;

        // Headless: its DNS SRV records are every platform pod's metrics port (see LocalBackendsPlan).
        var ports = new java.util.ArrayList<ServicePortArgs>();
        LocalBackendsPlan.METRICS_PORTS.forEach((job, portName) -> ports.add(ServicePortArgs.builder().name(job)
                .port(LocalBackendsPlan.METRICS_PORT_NUMBERS.get(job)).targetPort(portName).protocol("TCP").build()));
        new Service(Names.child(name, "metrics-service"), ServiceArgs.builder()
                .metadata(meta(LocalBackendsPlan.METRICS_SERVICE))
                .spec(ServiceSpecArgs.builder().clusterIP("None").publishNotReadyAddresses(true)
                        // Every platform pod of this stack carries its environment label (Labels.of); not part-of,
                        // which Tempo's ring members set to "memberlist" for the gossip-ring Service.
                        .selector(Map.of(Labels.ENVIRONMENT, environment)).ports(ports).build())
                .build(), opts);
        singleBinary(p, settings.release().image("prometheus"), plan.prometheusArgs(), LocalBackendsPlan.PROMETHEUS_PORT,
                "prometheus.yml", plan.prometheusYaml(), "/etc/prometheus", "/prometheus", "/-/ready", PROMETHEUS_UID);
        singleBinary(LocalBackendsPlan.LOKI, settings.release().image("loki"),
                List.of("-config.file=/etc/loki/loki.yaml", "-target=all"), LocalBackendsPlan.LOKI_PORT,
                "loki.yaml", plan.lokiYaml(), "/etc/loki", "/loki", "/ready", LOKI_UID);
        registerOutputs(Map.of());
    }

    private ObjectMetaArgs meta(String app) {
        return meta(app, app, app);
    }

    /** ConfigMap, StatefulSet with a retained volume, and Service of one single-binary backend. */
    private void singleBinary(String app, String image, List<String> args, int port, String configFile, String config,
                              String configDir, String dataDir, String readyPath, int uid) {
        new ConfigMap(Names.child(name, app + "-config"), ConfigMapArgs.builder()
                .metadata(meta(app)).data(Map.of(configFile, config)).build(), opts);
        var selector = Labels.selector(app, app, app);
        var ready = ProbeArgs.builder().httpGet(HTTPGetActionArgs.builder().path(readyPath).port(port).build()).periodSeconds(10).build();
        var pod = PodSpecArgs.builder()
                .automountServiceAccountToken(false)
                .securityContext(Hardening.pod(uid))
                .containers(ContainerArgs.builder()
                        .name(app)
                        .image(image)
                        .args(args)
                        .ports(ContainerPortArgs.builder().name("http").containerPort(port).build())
                        .readinessProbe(ready)
                        .resources(Workloads.resources("100m", "256Mi", "1", "1Gi"))
                        .securityContext(Hardening.container())
                        .volumeMounts(
                                VolumeMountArgs.builder().name("config").mountPath(configDir).readOnly(true).build(),
                                VolumeMountArgs.builder().name("data").mountPath(dataDir).build(),
                                VolumeMountArgs.builder().name("tmp").mountPath("/tmp").build())
                        .build())
                .volumes(VolumeArgs.builder().name("config").configMap(ConfigMapVolumeSourceArgs.builder().name(app).build()).build(),
                        VolumeArgs.builder().name("tmp").emptyDir(EmptyDirVolumeSourceArgs.builder().build()).build());
        new StatefulSet(Names.child(name, app), StatefulSetArgs.builder()
                .metadata(meta(app))
                .spec(StatefulSetSpecArgs.builder()
                        .serviceName(app)
                        .replicas(1)
                        .selector(LabelSelectorArgs.builder().matchLabels(selector).build())
                        .persistentVolumeClaimRetentionPolicy(StatefulSetPersistentVolumeClaimRetentionPolicyArgs.builder()
                                .whenDeleted("Retain").whenScaled("Retain").build())
                        .template(PodTemplateSpecArgs.builder()
                                .metadata(ObjectMetaArgs.builder().labels(Labels.of(app, app, app, environment)).build())
                                .spec(pod.build())
                                .build())
                        .volumeClaimTemplates(PersistentVolumeClaimArgs.builder()
                                .metadata(ObjectMetaArgs.builder().name("data").build())
                                .spec(PersistentVolumeClaimSpecArgs.builder().accessModes("ReadWriteOnce")
                                        .resources(ResourceRequirementsArgs.builder().requests(Map.of("storage", "2Gi")).build()).build())
                                .build())
                        .build())
                .build(), retained);
        new Service(Names.child(name, app + "-service"), ServiceArgs.builder()
                .metadata(meta(app))
                // Headless: it governs the StatefulSet (serviceName); one pod, so DNS gives its address.
                .spec(ServiceSpecArgs.builder().clusterIP("None").selector(selector)
                        .ports(ServicePortArgs.builder().name("http").port(port).targetPort(port).protocol("TCP").build()).build())
                .build(), opts);
    }
}
