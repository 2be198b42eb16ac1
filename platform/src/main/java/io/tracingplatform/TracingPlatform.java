package io.tracingplatform;

import com.pulumi.core.Output;
import com.pulumi.kubernetes.core.v1.Namespace;
import com.pulumi.kubernetes.core.v1.NamespaceArgs;
import com.pulumi.kubernetes.meta.v1.inputs.ObjectMetaArgs;
import com.pulumi.resources.ComponentResource;
import com.pulumi.resources.ComponentResourceOptions;
import com.pulumi.resources.CustomResourceOptions;
import io.tracingplatform.k8s.Labels;
import io.tracingplatform.k8s.Names;
import io.tracingplatform.storage.LocalObjectStore;
import io.tracingplatform.storage.StoragePlan;
import io.tracingplatform.storage.TraceStorage;
import io.tracingplatform.collector.GatewayCluster;
import io.tracingplatform.collector.GatewayPlan;
import io.tracingplatform.grafana.GrafanaCluster;
import io.tracingplatform.grafana.GrafanaPlan;
import io.tracingplatform.local.LocalBackends;
import io.tracingplatform.local.LocalBackendsPlan;
import io.tracingplatform.tempo.TempoClients;
import io.tracingplatform.tempo.TempoCluster;
import io.tracingplatform.tenants.TenantAccess;
import io.tracingplatform.tempo.TempoPlan;
import io.tracingplatform.config.StackSettings;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The whole platform of one environment: the top component every part hangs under. Its type token is part
 * of every child's URN, so it never changes.
 */
public final class TracingPlatform extends ComponentResource {
    public static final String TYPE = "tracing-platform:index:TracingPlatform";

    /** Pod Security admission: every platform container is hardened, so the namespace enforces it. */
    static final Map<String, String> POD_SECURITY = Map.of(
            "pod-security.kubernetes.io/enforce", "restricted",
            "pod-security.kubernetes.io/audit", "restricted",
            "pod-security.kubernetes.io/warn", "restricted");

    private final Output<String> namespace;
    private final Map<String, Output<String>> storageOutputs;

    public TracingPlatform(String name, PlatformInputs inputs, Providers providers, ComponentResourceOptions options) {
        super(TYPE, name, options);
        var settings = inputs.settings();
        var labels = new TreeMap<>(Labels.common(settings.environment()));
        labels.putAll(POD_SECURITY);

        var ns = new Namespace(Names.child(name, "namespace"), NamespaceArgs.builder()
                .metadata(ObjectMetaArgs.builder()
                        .name(settings.kubernetes().namespace())
                        .labels(labels)
                        .annotations(settings.kubernetes().objectAnnotations())
                        .build())
                .build(),
                // Retained: deleting the namespace would delete everything in it, the retained StatefulSets' volume
                // claims and the PVCs too (the namespace controller does, whatever their own retainOnDelete says).
                CustomResourceOptions.builder().parent(this).provider(providers.kubernetes()).retainOnDelete(true).build());
        this.namespace = ns.metadata().applyValue(m -> m.name().orElse(settings.kubernetes().namespace()));
        // Everything in the namespace waits for it.
        var inNamespace = ComponentResourceOptions.builder().parent(this).dependsOn(ns).build();

        var storagePlan = StoragePlan.of(settings, inputs.tenants());
        var outputs = new TreeMap<String, Output<String>>();
        outputs.put("bucketName", Output.of(storagePlan.bucketName()));
        outputs.put("region", Output.of(storagePlan.region()));
        outputs.put("endpoint", Output.of(storagePlan.endpoint()));
        ComponentResource storage;
        if (settings.aws().isPresent()) {
            var aws = new TraceStorage(Names.child(name, "storage"), settings, storagePlan, providers, inNamespace);
            outputs.put("bucketArn", aws.bucketArn());
            outputs.put("roleArn", aws.roleArn());
            storage = aws;
        } else {
            storage = new LocalObjectStore(Names.child(name, "local-s3"), settings, storagePlan, providers, inNamespace);
            // A laptop has no Loki or Prometheus of its own: Grafana correlates with these.
            new LocalBackends(Names.child(name, "backends"), settings, LocalBackendsPlan.of(settings), providers, inNamespace);
            outputs.put("bucketArn", Output.of(""));
            outputs.put("roleArn", Output.of(""));
        }
        this.storageOutputs = Map.copyOf(outputs);

        // Tempo starts once its bucket, credentials and ServiceAccount exist.
        var tempoPlan = TempoPlan.of(settings, inputs.tenants(), storagePlan);
        var clients = tempoClients(settings);
        var tempo = new TempoCluster(Names.child(name, "tempo"), settings, tempoPlan, storagePlan.tempo(settings),
                clients, providers,
                ComponentResourceOptions.builder().parent(this).dependsOn(ns, storage).build());

        var gatewayPlan = GatewayPlan.of(settings, inputs.tenants(), inputs.today());
        // With the platform's NetworkPolicies on, the gateway's and sampler's metrics port admit only Tempo's scrapers.
        var scrapers = settings.tempo().networkPolicy()
                ? java.util.Optional.of(io.tracingplatform.tempo.EntryPointPolicies.scrapers(clients, settings.tempo()))
                : java.util.Optional.<List<io.tracingplatform.k8s.NetworkPolicies.Peer>>empty();
        new GatewayCluster(Names.child(name, "gateway"), settings, gatewayPlan, scrapers, providers,
                ComponentResourceOptions.builder().parent(this).dependsOn(ns, tempo).build());
        // Grafana queries Tempo (streaming only where Tempo's own config enables it); its tenant organisations come
        // from the same tenant list.
        new GrafanaCluster(Names.child(name, "grafana"), settings, GrafanaPlan.of(settings, inputs.tenants(), tempoPlan), providers,
                ComponentResourceOptions.builder().parent(this).dependsOn(ns, tempo).build());
        // Per tenant only what lives in its own namespaces; its limits are in the shared overrides and gateway config.
        for (var tenant : inputs.tenants()) {
            new TenantAccess(Names.child(name, "tenant-" + tenant.id()), settings, tenant, providers,
                    ComponentResourceOptions.builder().parent(this).build());
        }

        registerOutputs(Map.of("namespace", namespace));
    }

    /**
     * Who connects to Tempo from outside it: the gateway and the sampler write, Grafana reads, and on the local stack its
     * own Prometheus (in the platform namespace, so no scrape namespace covers it) scrapes. The cluster's Prometheus is
     * not named here: EntryPointPolicies.scrapers adds it from tempo.scrapeNamespaces and tempo.scrapePodLabels.
     */
    static TempoClients tempoClients(StackSettings settings) {
        var gateway = GatewayPlan.GATEWAY;
        var scrapers = settings.aws().isPresent() ? List.<Map<String, String>>of()
                : List.of(Labels.selector(LocalBackendsPlan.PROMETHEUS, LocalBackendsPlan.PROMETHEUS, LocalBackendsPlan.PROMETHEUS));
        return new TempoClients(
                List.of(Labels.selector(gateway, gateway, "gateway"), Labels.selector(gateway, gateway, "sampler")),
                List.of(Labels.selector(GrafanaPlan.NAME, GrafanaPlan.NAME, "grafana")),
                scrapers);
    }

    public Output<String> namespace() {
        return namespace;
    }

    /** bucketName, bucketArn, region, endpoint, roleArn ("" where the stack has none). */
    public Map<String, Output<String>> storageOutputs() {
        return storageOutputs;
    }
}
