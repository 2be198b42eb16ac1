package io.tracingplatform.k8s;

import com.pulumi.kubernetes.meta.v1.inputs.ObjectMetaArgs;
import com.pulumi.resources.ComponentResource;
import com.pulumi.resources.ComponentResourceOptions;
import com.pulumi.resources.CustomResourceOptions;
import io.tracingplatform.Providers;
import io.tracingplatform.config.StackSettings;

/**
 * A component whose children are Kubernetes objects in the platform namespace: the children's options (parent
 * this, the stack's Kubernetes provider) and their metadata (name, namespace, the one label set) in one place.
 * Only the Java class is shared; each subclass keeps its own type token, so no URN changes.
 */
public abstract class KubernetesComponent extends ComponentResource {
    protected final String name;
    protected final String namespace;
    protected final String environment;
    /** Annotations of every object (stack setting kubernetes.skipAwait). */
    protected final java.util.Map<String, String> objectAnnotations;
    /** Options of an ordinary child. */
    protected final CustomResourceOptions opts;

    protected KubernetesComponent(String type, String name, StackSettings settings, Providers providers,
                                  ComponentResourceOptions options) {
        super(type, name, options);
        this.name = name;
        this.namespace = settings.kubernetes().namespace();
        this.environment = settings.environment();
        this.objectAnnotations = settings.kubernetes().objectAnnotations();
        this.opts = CustomResourceOptions.builder().parent(this).provider(providers.kubernetes()).build();
    }

    /** Metadata of an object of application {@code app}, part {@code component}. */
    protected ObjectMetaArgs meta(String app, String objectName, String component) {
        return ObjectMetaArgs.builder().name(objectName).namespace(namespace)
                .labels(Labels.of(app, app, component, environment)).annotations(objectAnnotations).build();
    }
}
