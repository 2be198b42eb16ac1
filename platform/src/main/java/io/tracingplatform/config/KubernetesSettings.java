package io.tracingplatform.config;

import java.util.Objects;
import java.util.Optional;

/**
 * How the program reaches the cluster ({@code tracing-platform:kubernetes}).
 *
 * @param kubeconfig path to a kubeconfig file; default: the provider's own lookup ($KUBECONFIG, ~/.kube/config)
 * @param context kubeconfig context; default: the file's current context
 * @param namespace namespace of the platform's shared workloads; default {@code tracing}
 */
public record KubernetesSettings(Optional<String> kubeconfig, Optional<String> context, String namespace) {
    public static final String DEFAULT_NAMESPACE = "tracing";

    public KubernetesSettings {
        Objects.requireNonNull(kubeconfig, "kubernetes.kubeconfig");
        Objects.requireNonNull(context, "kubernetes.context");
        Objects.requireNonNull(namespace, "kubernetes.namespace");
    }

    static KubernetesSettings read(Fields f) {
        var kubeconfig = f.optionalString("kubeconfig");
        var context = f.optionalString("context");
        var namespace = f.dnsLabel("namespace", f.string("namespace", DEFAULT_NAMESPACE), 63, DEFAULT_NAMESPACE);
        f.finish();
        return new KubernetesSettings(kubeconfig, context, namespace);
    }
}
