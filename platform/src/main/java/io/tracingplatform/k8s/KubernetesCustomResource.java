package io.tracingplatform.k8s;

import com.pulumi.core.Output;
import com.pulumi.core.annotations.Import;
import com.pulumi.kubernetes.meta.v1.inputs.ObjectMetaArgs;
import com.pulumi.resources.CustomResource;
import com.pulumi.resources.CustomResourceOptions;
import com.pulumi.resources.ResourceArgs;
import java.util.Map;
import java.util.Objects;

/**
 * An instance of a custom resource (ServiceMonitor, PrometheusRule, Instrumentation, ...). The Kubernetes
 * provider accepts any {@code kubernetes:<group>/<version>:<Kind>} type token for custom resources; the Java
 * SDK 4.0.0 on Maven Central ships no generic class for it (the Node and Python SDKs do), so this is that class.
 */
public final class KubernetesCustomResource extends CustomResource {
    public KubernetesCustomResource(String name, Args args, CustomResourceOptions options) {
        super("kubernetes:" + args.apiVersionValue + ":" + args.kindValue, name, args, options);
    }

    /** apiVersion, kind, metadata and the spec (any other top-level field goes into {@code spec}'s siblings). */
    public static final class Args extends ResourceArgs {
        @Import(name = "apiVersion", required = true)
        private final Output<String> apiVersion;
        @Import(name = "kind", required = true)
        private final Output<String> kind;
        @Import(name = "metadata", required = true)
        private final Output<ObjectMetaArgs> metadata;
        @Import(name = "spec")
        private final Output<Map<String, Object>> spec;

        private final transient String apiVersionValue;
        private final transient String kindValue;

        public Args(String apiVersion, String kind, ObjectMetaArgs metadata, Map<String, Object> spec) {
            this.apiVersionValue = Objects.requireNonNull(apiVersion, "apiVersion");
            this.kindValue = Objects.requireNonNull(kind, "kind");
            this.apiVersion = Output.of(apiVersion);
            this.kind = Output.of(kind);
            this.metadata = Output.of(metadata);
            this.spec = Output.of(spec);
        }
    }
}
