package io.tracingplatform.config;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The OpenTelemetry Collector gateways ({@code tracing-platform:gateway}).
 *
 * @param replicas gateway replicas (the HPA minimum); default 2 (1 on local)
 * @param maxReplicas HPA maximum; default 6 (1 on local)
 * @param samplerReplicas tail-sampling tier replicas, when some tenant samples; default 2 (1 on local)
 * @param queueVolumeSize volume of the persistent queues per gateway (and sampler) pod; default 10Gi (1Gi on local).
 *     The queues are sized in bytes from it: 45% of the volume (compaction needs room for a copy), shared equally by the pod's exporters (README)
 * @param credentialGeneration bump to rotate every tenant's gateway credential; default 1
 * @param previousCredentialUntil the last day (UTC, inclusive) the gateway also accepts the previous generation's
 *     credentials ({@code YYYY-MM-DD}); default none (only the current generation). Needs credentialGeneration >= 2;
 *     the window closes at the first {@code pulumi up} after that day
 * @param instrumentation whether the OpenTelemetry Operator is installed (Instrumentation resources are
 *     created); default true (false on local)
 * @param ingressHost public host name of the OTLP/HTTP Ingress; default none (no Ingress)
 * @param ingressClassName ingress class; default the cluster's default
 * @param ingressTlsSecret TLS Secret of the Ingress; required with ingressHost
 * @param cpu, memory, cpuLimit, memoryLimit resources of a gateway pod; default 500m, 1Gi, 2, 2Gi
 * @param logsEndpoint OTLP/HTTP base URL where tenants' logs go (Loki's {@code /otlp}); default none: the gateway
 *     does not take logs and the Instrumentation sets the SDKs' logs exporter to none
 * @param metricsEndpoint OTLP/HTTP base URL where tenants' metrics go (Mimir's {@code /otlp}, Prometheus's
 *     {@code /api/v1/otlp}); default none, as for logs
 */
public record GatewaySettings(int replicas, int maxReplicas, int samplerReplicas, String queueVolumeSize, int credentialGeneration,
                              Optional<LocalDate> previousCredentialUntil, boolean instrumentation,
                              Optional<String> ingressHost, Optional<String> ingressClassName,
                              Optional<String> ingressTlsSecret, String cpu, String memory, String cpuLimit,
                              String memoryLimit, Optional<String> logsEndpoint, Optional<String> metricsEndpoint) {
    static final Pattern HOST = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
    /** A base URL: the otlphttp exporter appends the signal's path ({@code /v1/logs}), so none given here. */
    static final Pattern OTLP_HTTP_BASE = Pattern.compile("https?://[^\\s$/]+(/[^\\s$]*[^\\s$/])?(?<!/v1/logs)(?<!/v1/metrics)");
    static final Pattern QUANTITY = Pattern.compile("\\d+(\\.\\d+)?(m|Ki|Mi|Gi|Ti)?");

    static GatewaySettings read(Fields f, Cloud cloud) {
        boolean local = cloud == Cloud.LOCAL;
        int replicas = (int) f.integer("replicas", local ? 1 : 2, 1, 100, "pods");
        int max = (int) f.integer("maxReplicas", local ? 1 : 6, 1, 500, "pods");
        if (max < replicas) {
            f.problem("maxReplicas", max + " is below replicas (" + replicas + ").", String.valueOf(replicas));
            max = replicas;
        }
        int sampler = (int) f.integer("samplerReplicas", local ? 1 : 2, 1, 100, "pods");
        if (f.has("queueSize")) {
            // Counted requests of up to 16384 spans each: a budget no one could relate to the disk. Removed, not reinterpreted.
            f.problemWithFix("queueSize", "was removed: queues are now sized in bytes, 45% of queueVolumeSize shared by "
                    + "the pod's exporters (README, Gateways).", "delete it; to give queues more room, raise "
                    + "tracing-platform:gateway.queueVolumeSize");
        }
        String volume = f.matching("queueVolumeSize", f.string("queueVolumeSize", local ? "1Gi" : "10Gi"), QUANTITY,
                "is not a quantity like 10Gi", "10Gi");
        int generation = (int) f.integer("credentialGeneration", 1, 1, 1_000_000, "");
        var previousUntil = previousCredentialUntil(f, generation);
        boolean instrumentation = f.bool("instrumentation", !local);
        var host = f.optionalString("ingressHost").map(h -> f.matching("ingressHost", h, HOST, "is not a host name", "otlp.example.com"));
        var className = f.optionalString("ingressClassName");
        var tls = f.optionalString("ingressTlsSecret");
        if (host.isPresent() && tls.isEmpty()) {
            f.problem("ingressTlsSecret", "is required with ingressHost: the gateway is never exposed without TLS.", "otlp-tls");
        }
        String cpu = f.matching("cpu", f.string("cpu", local ? "100m" : "500m"), QUANTITY, "is not a CPU quantity", "500m");
        String memory = f.matching("memory", f.string("memory", local ? "256Mi" : "1Gi"), QUANTITY, "is not a memory quantity", "1Gi");
        String cpuLimit = f.matching("cpuLimit", f.string("cpuLimit", local ? "500m" : "2"), QUANTITY, "is not a CPU quantity", "2");
        String memoryLimit = f.matching("memoryLimit", f.string("memoryLimit", local ? "512Mi" : "2Gi"), QUANTITY, "is not a memory quantity", "2Gi");
        var logs = f.optionalString("logsEndpoint").map(u -> f.matching("logsEndpoint", u, OTLP_HTTP_BASE,
                "is not an http(s) base URL (the exporter appends /v1/logs)", "http://loki-gateway.logging.svc/otlp"));
        var metrics = f.optionalString("metricsEndpoint").map(u -> f.matching("metricsEndpoint", u, OTLP_HTTP_BASE,
                "is not an http(s) base URL (the exporter appends /v1/metrics)", "http://mimir-distributor.metrics.svc:8080/otlp"));
        f.finish();
        return new GatewaySettings(replicas, max, sampler, volume, generation, previousUntil, instrumentation, host, className,
                tls, cpu, memory, cpuLimit, memoryLimit, logs, metrics);
    }

    /**
     * A calendar day, strictly (2026-02-30 is refused, not rolled over to March), and only with a previous generation
     * to accept: a window at generation 1 would silently do nothing.
     */
    static Optional<LocalDate> previousCredentialUntil(Fields f, int generation) {
        String key = "previousCredentialUntil";
        var text = f.optionalString(key);
        if (text.isEmpty()) return Optional.empty();
        LocalDate date;
        try {
            if (!text.get().matches("\\d{4}-\\d{2}-\\d{2}")) throw new DateTimeParseException("not YYYY-MM-DD", text.get(), 0);
            date = LocalDate.parse(text.get(), DateTimeFormatter.ISO_LOCAL_DATE);
        } catch (DateTimeParseException e) {
            f.problem(key, "'" + text.get() + "' is not a calendar date: write YYYY-MM-DD, the last day (UTC) the previous "
                    + "credential generation is still accepted.", "YYYY-MM-DD");
            return Optional.empty();
        }
        if (generation < 2) {
            f.problemWithFix(key, "is set, but credentialGeneration is " + generation + ": there is no previous generation "
                    + "to keep accepting.", "pulumi config rm --stack " + f.stack() + " --path '" + f.configKey(key)
                    + "', or rotate: pulumi config set --stack " + f.stack() + " --path '" + f.configKey("credentialGeneration")
                    + "' " + (generation + 1));
            return Optional.empty();
        }
        return Optional.of(date);
    }

}
