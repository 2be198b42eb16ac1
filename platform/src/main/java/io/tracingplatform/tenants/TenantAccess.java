package io.tracingplatform.tenants;

import com.pulumi.kubernetes.core.v1.Secret;
import com.pulumi.kubernetes.core.v1.SecretArgs;
import com.pulumi.kubernetes.meta.v1.inputs.ObjectMetaArgs;
import com.pulumi.resources.ComponentResource;
import com.pulumi.resources.ComponentResourceOptions;
import com.pulumi.resources.CustomResourceOptions;
import io.tracingplatform.Providers;
import io.tracingplatform.collector.GatewayCluster;
import io.tracingplatform.collector.GatewayCredentials;
import io.tracingplatform.config.ModelNumbers;
import io.tracingplatform.config.StackSettings;
import io.tracingplatform.k8s.KubernetesCustomResource;
import io.tracingplatform.k8s.Labels;
import io.tracingplatform.k8s.Names;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one tenant has in its own namespaces, and nothing else (shared data lives in shared objects): per
 * namespace the gateway Secret with the endpoint and its credential, and an OpenTelemetry Operator
 * Instrumentation where the tenant asked for zero-code instrumentation. At most 1 + 2 x namespaces resources.
 */
public final class TenantAccess extends ComponentResource {
    public static final String TYPE = "tracing-platform:tenants:TenantAccess";
    public static final String SECRET = "tracing-gateway";
    public static final String INSTRUMENTATION = "tracing";

    public TenantAccess(String name, StackSettings settings, Tenant tenant, Providers providers, ComponentResourceOptions options) {
        super(TYPE, name, options);
        String endpoint = GatewayCluster.endpoint(settings.kubernetes().namespace());
        int generation = settings.gateway().credentialGeneration();
        var env = settings.credentialSeed().output().applyValue(seed ->
                GatewayCredentials.sdkEnvironment(endpoint, tenant.id(), generation, GatewayCredentials.password(seed, tenant.id(), generation)));
        var labels = new TreeMap<>(Labels.common(settings.environment()));
        labels.put(Labels.TENANT, tenant.id());
        var secretOpts = CustomResourceOptions.builder().parent(this).provider(providers.kubernetes())
                .additionalSecretOutputs(List.of("stringData", "data")).build();
        var opts = CustomResourceOptions.builder().parent(this).provider(providers.kubernetes()).build();
        boolean instrument = settings.gateway().instrumentation() && !tenant.settings().languages().isEmpty();
        for (String ns : tenant.settings().namespaces()) {
            var meta = ObjectMetaArgs.builder().namespace(ns).labels(labels)
                    .annotations(settings.kubernetes().objectAnnotations());
            new Secret(Names.child(name, ns + "-gateway"), SecretArgs.builder()
                    .metadata(meta.name(SECRET).build())
                    .type("Opaque")
                    .stringData(env)
                    .build(), secretOpts);
            if (instrument) {
                new KubernetesCustomResource(Names.child(name, ns + "-instrumentation"), new KubernetesCustomResource.Args(
                        "opentelemetry.io/v1alpha1", "Instrumentation",
                        ObjectMetaArgs.builder().name(INSTRUMENTATION).namespace(ns).labels(labels)
                                .annotations(settings.kubernetes().objectAnnotations()).build(),
                        instrumentationSpec(endpoint, tenant.settings().samplerRatio())), opts);
            }
        }
        registerOutputs(Map.of());
    }

    /**
     * Exports to the gateway with the tenant's credential (read from the Secret, never inlined), W3C trace context
     * and baggage, and the tenant's head-sampling ratio for new traces.
     */
    static Map<String, Object> instrumentationSpec(String endpoint, double ratio) {
        var spec = new LinkedHashMap<String, Object>();
        spec.put("exporter", Map.of("endpoint", endpoint));
        spec.put("propagators", List.of("tracecontext", "baggage"));
        spec.put("sampler", Map.of("type", "parentbased_traceidratio", "argument", ModelNumbers.fmt(ratio)));
        spec.put("env", List.of(
                Map.of("name", "OTEL_EXPORTER_OTLP_HEADERS", "valueFrom", Map.of("secretKeyRef",
                        Map.of("name", SECRET, "key", "OTEL_EXPORTER_OTLP_HEADERS"))),
                Map.of("name", "OTEL_EXPORTER_OTLP_PROTOCOL", "value", "http/protobuf")));
        return spec;
    }
}
