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

    public TracingPlatform(String name, PlatformInputs inputs, Providers providers, ComponentResourceOptions options) {
        super(TYPE, name, options);
        var settings = inputs.settings();
        var labels = new TreeMap<>(Labels.common(settings.environment()));
        labels.putAll(POD_SECURITY);

        var ns = new Namespace(Names.child(name, "namespace"), NamespaceArgs.builder()
                .metadata(ObjectMetaArgs.builder()
                        .name(settings.kubernetes().namespace())
                        .labels(labels)
                        .build())
                .build(),
                CustomResourceOptions.builder().parent(this).provider(providers.kubernetes()).build());
        this.namespace = ns.metadata().applyValue(m -> m.name().orElse(settings.kubernetes().namespace()));

        registerOutputs(Map.of("namespace", namespace));
    }

    public Output<String> namespace() {
        return namespace;
    }
}
