package io.tracingplatform.config;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How the program reaches the cluster ({@code tracing-platform:kubernetes}).
 *
 * @param kubeconfig path to a kubeconfig file; default: the provider's own lookup ($KUBECONFIG, ~/.kube/config)
 * @param context kubeconfig context; default: the file's current context
 * @param namespace namespace of the platform's shared workloads; default {@code tracing}
 * @param skipAwait whether {@code pulumi up} returns once the API server has accepted each object instead of
 *     waiting for it to become ready (Deployments available, Services with endpoints, Jobs complete: up to 10
 *     minutes each); default false. For clusters where readiness is someone else's job (a GitOps controller
 *     applies the same objects) or cannot happen (an API server without nodes, as in the engine checks).
 */
public record KubernetesSettings(Optional<String> kubeconfig, Optional<String> context, String namespace,
                                 boolean skipAwait) {
    public static final String DEFAULT_NAMESPACE = "tracing";
    /** The Kubernetes provider's per-object switch (4.x has no provider-wide one). */
    public static final String SKIP_AWAIT_ANNOTATION = "pulumi.com/skipAwait";

    public KubernetesSettings {
        Objects.requireNonNull(kubeconfig, "kubernetes.kubeconfig");
        Objects.requireNonNull(context, "kubernetes.context");
        Objects.requireNonNull(namespace, "kubernetes.namespace");
    }

    static KubernetesSettings read(Fields f) {
        var kubeconfig = f.optionalString("kubeconfig");
        var context = f.optionalString("context");
        var namespace = f.dnsLabel("namespace", f.string("namespace", DEFAULT_NAMESPACE), 63, DEFAULT_NAMESPACE);
        var skipAwait = f.bool("skipAwait", false);
        f.finish();
        return new KubernetesSettings(kubeconfig, context, namespace, skipAwait);
    }

    /** Annotations every object the program creates carries. */
    public Map<String, String> objectAnnotations() {
        return skipAwait ? Map.of(SKIP_AWAIT_ANNOTATION, "true") : Map.of();
    }
}
