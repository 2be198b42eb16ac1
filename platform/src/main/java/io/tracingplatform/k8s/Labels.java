package io.tracingplatform.k8s;

import java.util.Map;
import java.util.TreeMap;

/**
 * The one label helper (as grafana/helm-charts does it): every object carries the recommended
 * {@code app.kubernetes.io/*} labels; selectors use the stable subset (name, instance, component), so a
 * label added later never changes an immutable selector.
 */
public final class Labels {
    public static final String NAME = "app.kubernetes.io/name";
    public static final String INSTANCE = "app.kubernetes.io/instance";
    public static final String COMPONENT = "app.kubernetes.io/component";
    public static final String PART_OF = "app.kubernetes.io/part-of";
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String VERSION = "app.kubernetes.io/version";
    public static final String ENVIRONMENT = "tracing-platform.io/environment";
    public static final String TENANT = "tracing-platform.io/tenant";
    public static final String PLATFORM = "tracing-platform";

    private Labels() {}

    /** Selector labels: never change them for an existing workload (selectors are immutable). */
    public static Map<String, String> selector(String app, String instance, String component) {
        var labels = new TreeMap<String, String>();
        labels.put(NAME, app);
        labels.put(INSTANCE, instance);
        labels.put(COMPONENT, component);
        return labels;
    }

    /** All labels of an object: the selector labels plus ownership and environment. */
    public static Map<String, String> of(String app, String instance, String component, String environment) {
        var labels = new TreeMap<>(selector(app, instance, component));
        labels.putAll(common(environment));
        return labels;
    }

    /** Labels for objects that are not a workload's (namespaces, shared config). */
    public static Map<String, String> common(String environment) {
        var labels = new TreeMap<String, String>();
        labels.put(PART_OF, PLATFORM);
        labels.put(MANAGED_BY, "pulumi");
        labels.put(ENVIRONMENT, environment);
        return labels;
    }
}
