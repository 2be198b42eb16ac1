package io.tracingplatform.config;

import java.util.ArrayList;
import java.util.List;

/**
 * A stack's rules for tenants: defaults for what tenant files leave out, and caps.
 *
 * @param stack the stack these apply to
 * @param file its stack file, named in cap errors
 * @param defaults {@code tracing-platform:tenantDefaults}
 * @param limits {@code tracing-platform:tenantLimits}
 * @param platformNamespace the stack's platform namespace, which no tenant may claim
 */
public record TenantPolicy(String stack, String file, TenantDefaults defaults, TenantLimits limits,
                           String platformNamespace) {
    /** Reads only the tenant keys of a stack (tenant validation of other stacks needs no more). */
    public static TenantPolicy read(RawConfig raw) {
        var problems = new ArrayList<Problem>();
        var policy = read(Fields.root(raw, problems));
        if (!problems.isEmpty()) {
            throw new InvalidInputException("Tenant settings in " + raw.file() + " are invalid:", problems);
        }
        return policy;
    }

    static TenantPolicy read(Fields root) {
        return read(root, namespaceOf(root.raw()));
    }

    static TenantPolicy read(Fields root, String platformNamespace) {
        var defaults = TenantDefaults.read(root.object("tenantDefaults", false));
        var limits = TenantLimits.read(root.object("tenantLimits", false));
        var policy = new TenantPolicy(root.stack(), root.raw().file(), defaults, limits, platformNamespace);
        for (var over : policy.defaultsOverCaps()) root.problemWithFix("tenantDefaults", over, "lower the default or raise the cap.");
        return policy;
    }

    private static String namespaceOf(RawConfig raw) {
        // Read without reporting: the stack's own settings check reports a bad namespace.
        if (raw.values().get("kubernetes") instanceof java.util.Map<?, ?> k && k.get("namespace") instanceof String ns) {
            return ns;
        }
        return KubernetesSettings.DEFAULT_NAMESPACE;
    }

    /** Defaults must themselves respect the caps, or every tenant that leaves a value out would fail. */
    List<String> defaultsOverCaps() {
        var over = new ArrayList<String>();
        if (defaults.retention().compareTo(limits.maxRetention()) > 0) over.add("retention is over tenantLimits.maxRetention.");
        if (defaults.rateLimitMBps() > limits.maxRateLimitMBps()) over.add("ingestion.rateLimitMBps is over tenantLimits.maxRateLimitMBps.");
        if (defaults.burstMB() > limits.maxBurstMB()) over.add("ingestion.burstMB is over tenantLimits.maxBurstMB.");
        if (defaults.maxTracesPerUser() > limits.maxTracesPerUser()) over.add("ingestion.maxTracesPerUser is over tenantLimits.maxTracesPerUser.");
        if (defaults.maxTraceSizeMB() > limits.maxTraceSizeMB()) over.add("ingestion.maxTraceSizeMB is over tenantLimits.maxTraceSizeMB.");
        if (defaults.maxActiveSeries() > limits.maxActiveSeries()) over.add("metricsGenerator.maxActiveSeries is over tenantLimits.maxActiveSeries.");
        return over;
    }
}
