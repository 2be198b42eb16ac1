package io.tracingplatform.collector;

import static io.tracingplatform.collector.CollectorConfig.Section.CONNECTORS;
import static io.tracingplatform.collector.CollectorConfig.Section.EXPORTERS;
import static io.tracingplatform.collector.CollectorConfig.Section.EXTENSIONS;
import static io.tracingplatform.collector.CollectorConfig.Section.PROCESSORS;
import static io.tracingplatform.collector.CollectorConfig.Section.RECEIVERS;

import io.tracingplatform.config.ModelNumbers;
import io.tracingplatform.config.Sampling;
import io.tracingplatform.config.StackSettings;
import io.tracingplatform.tenants.Tenant;
import io.tracingplatform.yaml.Yaml;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The gateways as data: the collector config of the gateway tier and, when some tenant samples, of the
 * trace-ID-aware sampling tier. A pure function of settings and tenants, built from one small function per
 * concern (each adds its components idempotently).
 *
 * <p>Tenant isolation does not trust anything the client sends. The otlp receiver authenticates every request
 * with the basicauth extension (tenant id = username without its credential generation); the resource processor
 * upserts {@code tracing.tenant} from {@code auth.username} (a transform processor strips the generation) (the "auth." context prefix of the attributes/resource processors, contrib
 * processor/attributesprocessor README), overwriting whatever the client put there; the routing connector
 * (contrib connector/routingconnector README: context resource, condition) sends each tenant to its own
 * pipeline; each pipeline's otlp exporter sets {@code X-Scope-OrgID} as a static header. A client's own
 * X-Scope-OrgID header is never read: the receivers do not set include_metadata and nothing uses from_context.
 * The usual alternative, headers_setter with from_attribute (contrib extension/headerssetterextension,
 * internal/source/attribute.go), reads client.Info.Auth, which the batch processor drops when it rebuilds the
 * context from metadata_keys: after batching it would see no identity.
 *
 * @param gatewayYaml the gateway tier's config
 * @param samplerYaml the sampling tier's config, when a tenant samples
 * @param tenants tenant ids the gateway accepts
 * @param samplingTenants those whose traces go through the sampling tier
 * @param spanMetricsTenants those whose span metrics the gateway computes before sampling (TenantEnvironment
 *     spanMetricsAtGateway); Tempo's metrics-generator does not compute them again
 * @param componentTypes every component type the configs use, by kind (checked against the release's list)
 * @param credentials the credential generations the gateway's htpasswd holds (a rotation window)
 */
public record GatewayPlan(String gatewayYaml, Optional<String> samplerYaml, List<String> tenants,
                          List<String> samplingTenants, List<String> spanMetricsTenants, Map<String, List<String>> componentTypes,
                          CredentialWindow credentials) {
    public static final String GATEWAY = "otel-gateway";
    public static final String SAMPLER = "otel-sampler";
    public static final String TENANT_ATTRIBUTE = "tracing.tenant";
    public static final String HTPASSWD_PATH = "/etc/otelcol/auth/htpasswd";
    /** Where the sampler finds the gateway's htpasswd entry (its auth Secret, mounted). */
    public static final String SAMPLER_HTPASSWD_PATH = "/etc/otelcol/sampler-auth/htpasswd";
    /** The gateway's environment variable holding its Authorization header for the sampler (from the same Secret). */
    public static final String SAMPLER_AUTHORIZATION_ENV = "SAMPLER_AUTHORIZATION";
    public static final String QUEUE_DIR = "/var/lib/otelcol/queue";
    /** Where exporters renamed by a release send what their queues held under the old id (TypeNames). */
    public static final String DRAIN_PIPELINE = "traces/drain";
    /** The gateway pod's name (Kubernetes downward API, metadata.name): the instance of the span metrics it computes. */
    public static final String POD_NAME_ENV = "POD_NAME";
    /** The traces pipeline that feeds the span metrics connector, and the metrics pipeline it feeds. */
    static final String SPAN_METRICS_FEED = "traces/spanmetrics";
    static final String SPAN_METRICS_OUT = "metrics/spanmetrics";
    /** The span metrics series one gateway pod keeps per service and metric (aggregation_cardinality_limit). */
    static final int SPAN_METRICS_SERIES_PER_SERVICE = 2000;
    public static final int OTLP_GRPC = 4317;
    public static final int OTLP_HTTP = 4318;
    public static final int METRICS = 8888;
    public static final int HEALTH = 13133;
    /** Traces a sampler pod holds while it waits for their decision, over all its tenants (tail_sampling num_traces). */
    static final int SAMPLER_TRACES = 100_000;
    /**
     * The largest request the gateway sends to Tempo, in bytes of OTLP protobuf: the exporter-side batcher splits
     * batches above it. It must fit the distributor's OTLP receiver limit (Distributor.MAX_RECV_MSG_SIZE_MIB, twice
     * this) and every tenant's burst (Tempo refuses a request larger than the burst; TenantModel.MIN_BURST_MB).
     */
    public static final long MAX_REQUEST_BYTES = 8L * 1024 * 1024;
    /**
     * Share of the queue volume the persistent queues may fill together. Compaction (on start) writes a copy of the
     * live data to the same volume (filestorage client.go Compact), so full queues plus that copy must fit: under half.
     */
    static final double QUEUE_SHARE_OF_VOLUME = 0.45;

    /**
     * The generation suffix of a user name (GatewayCredentials.username), as a Go RE2 and Java regex: stripped from
     * {@code auth.username} to get the tenant. {@code \z} (end of text), not {@code $}, which the collector's config
     * loader would treat as the start of a variable; anchored, so only a trailing {@code @<digits>} goes.
     */
    public static final String GENERATION_SUFFIX = GatewayCredentials.GENERATION_SEPARATOR + "[0-9]+\\z";

    /** The tenant a user name authenticates as, exactly as the gateway derives it (tenantFromAuth). */
    public static String tenantOf(String username) {
        return java.util.regex.Pattern.compile(GENERATION_SUFFIX).matcher(username).replaceAll("");
    }

    public static GatewayPlan of(StackSettings settings, List<Tenant> tenants, java.time.LocalDate today) {
        String ns = settings.kubernetes().namespace();
        // Every ready distributor, by the headless discovery Service's DNS records, balanced per request (round_robin):
        // one long-lived HTTP/2 connection to a ClusterIP pins a gateway to one distributor, and with rate_strategy
        // global each distributor enforces only its share of a tenant's limit (ingestion_rate_strategy.go).
        String tempo = "dns:///" + io.tracingplatform.tempo.targets.Distributor.DISCOVERY_SERVICE + "." + ns
                + ".svc.cluster.local:" + OTLP_GRPC;
        boolean local = settings.aws().isEmpty();
        long volume = ModelNumbers.bytes(settings.gateway().queueVolumeSize());
        var sampling = tenants.stream().filter(t -> t.settings().sampling().enabled()).toList();
        var direct = tenants.stream().filter(t -> !t.settings().sampling().enabled()).map(Tenant::id).toList();
        // (App.load has checked that these have a metrics backend to go to: checkSpanMetricsRoute.)
        var spanMetrics = sampling.stream().filter(t -> t.settings().spanMetricsAtGateway()).map(Tenant::id).toList();
        // Every persistent queue of a pod shares its one volume: each exporter gets an equal byte budget, together
        // QUEUE_SHARE_OF_VOLUME of it, so one throttled tenant retrying for an hour can fill only its own share.
        // (App.load has checked that each budget holds a request: checkQueueRoom.)
        long queue = queueBudget(volume, gatewayQueues(tenants.size(), sampling.size()));
        var types = TypeNames.of(settings.release());

        var gw = new CollectorConfig();
        String intake = "traces/intake";
        authenticatedOtlpReceiver(gw, intake);
        tenantFromAuth(gw, intake);
        stripClientTenant(gw, intake);
        platformLabels(gw, intake, settings.environment(), settings.clusterName());
        routeByTenant(gw, intake, "routing/tenants", direct, id -> tenantPipeline(id));
        for (String id : direct) exportToTempo(gw, tenantPipeline(id), id, tempo, queue, types);
        drainPipeline(gw, "routing/tenants");
        if (!sampling.isEmpty()) {
            routeToSampler(gw, intake, "routing/tenants", sampling.stream().map(Tenant::id).toList(), spanMetrics,
                    SAMPLER + "." + ns + ".svc.cluster.local", queue);
        }
        var ids = tenants.stream().map(Tenant::id).toList();
        settings.gateway().logsEndpoint().ifPresent(url -> passThrough(gw, "logs", url, settings, ids, types));
        settings.gateway().metricsEndpoint().ifPresent(url -> passThrough(gw, "metrics", url, settings, ids, types));
        if (!spanMetrics.isEmpty()) spanMetricsBeforeSampling(gw, "routing/tenants", "routing/metrics", types.spanMetrics());
        healthCheck(gw);
        selfTelemetry(gw);
        if (local) debugExtensions(gw);
        memoryLimiterFirst(gw);

        Optional<String> samplerYaml = Optional.empty();
        var used = componentTypes(gw);
        if (!sampling.isEmpty()) {
            var sm = new CollectorConfig();
            String in = "traces/sample";
            // The sampler authenticates its sender too: without NetworkPolicy enforcement any pod could otherwise
            // write any tenant's traces here. Only the gateway's credential is in its htpasswd.
            sm.add(EXTENSIONS, "basicauth/gateway", Map.of("htpasswd", Map.of("file", SAMPLER_HTPASSWD_PATH)));
            // The gateway sends requests of up to MAX_REQUEST_BYTES; gRPC's default receive limit is 4 MiB.
            sm.add(RECEIVERS, "otlp", Map.of("protocols", Map.of("grpc", Map.of("endpoint", "0.0.0.0:" + OTLP_GRPC,
                    "auth", Map.of("authenticator", "basicauth/gateway"),
                    "max_recv_msg_size_mib", 2 * MAX_REQUEST_BYTES / (1024 * 1024)))));
            sm.addReceiver(in, "otlp");
            var sampled = sampling.stream().map(Tenant::id).toList();
            routeByTenant(sm, in, "routing/tenants", sampled, id -> tenantPipeline(id));
            double rates = sampling.stream().mapToDouble(t -> t.settings().rateLimitMBps()).sum();
            for (var t : sampling) tailSampling(sm, tenantPipeline(t.id()), t, t.settings().rateLimitMBps() / rates);
            long samplerQueue = queueBudget(volume, sampled.size());
            for (String id : sampled) exportToTempo(sm, tenantPipeline(id), id, tempo, samplerQueue, types);
            drainPipeline(sm, "routing/tenants");
            healthCheck(sm);
            selfTelemetry(sm);
            memoryLimiterFirst(sm);
            samplerYaml = Optional.of(Yaml.toYaml(sm.toMap()));
            componentTypes(sm).forEach((k, v) -> {
                var merged = new java.util.TreeSet<>(used.getOrDefault(k, List.of()));
                merged.addAll(v);
                used.put(k, List.copyOf(merged));
            });
        }
        return new GatewayPlan(Yaml.toYaml(gw.toMap()), samplerYaml, ids, sampling.stream().map(Tenant::id).toList(),
                spanMetrics, used, CredentialWindow.of(settings.gateway(), today));
    }

    static String tenantPipeline(String id) {
        return "traces/tenant-" + id;
    }

    /** OTLP gRPC and HTTP on all interfaces, every request authenticated. */
    static void authenticatedOtlpReceiver(CollectorConfig c, String pipeline) {
        c.add(EXTENSIONS, "basicauth/tenants", Map.of("htpasswd", Map.of("file", HTPASSWD_PATH)));
        var auth = Map.of("authenticator", "basicauth/tenants");
        // Long-lived gRPC connections pin a client to one gateway pod: closing them after a while lets clients
        // spread over pods added by the autoscaler (configgrpc KeepaliveServerParameters).
        var keepalive = Map.of("server_parameters", Map.of("max_connection_age", "5m", "max_connection_age_grace", "30s"));
        c.add(RECEIVERS, "otlp", Map.of("protocols", Map.of(
                "grpc", Map.of("endpoint", "0.0.0.0:" + OTLP_GRPC, "auth", auth, "keepalive", keepalive),
                "http", Map.of("endpoint", "0.0.0.0:" + OTLP_HTTP, "auth", auth))));
        c.addReceiver(pipeline, "otlp");
    }

    /**
     * The tenant is who authenticated, whatever the data says: the user name without its credential generation
     * ({@code payments@3} is tenant payments). Tenant ids cannot contain '@' and every user name in the htpasswd is
     * {@code <id>} or {@code <id>@<n>}, so no credential can map to another tenant; a name that somehow kept a suffix
     * matches no route and is stored nowhere. error_mode propagate (the default at 0.140, not at 0.159): a failing
     * statement refuses the request rather than passing data with an unstripped name on.
     */
    static void tenantFromAuth(CollectorConfig c, String pipeline) {
        c.add(PROCESSORS, "resource/tenant", Map.of("attributes", List.of(Map.of(
                "key", TENANT_ATTRIBUTE, "from_context", "auth.username", "action", "upsert"))));
        c.appendProcessor(pipeline, "resource/tenant");
        // OTTL replace_pattern(target, regex, replacement), the same at contrib 0.140.1 and 0.159.0 (ottlfuncs);
        // the OTTL string literal is unquoted like a Go string, hence the doubled backslash.
        String attribute = "attributes[\"" + TENANT_ATTRIBUTE + "\"]";
        // The same statement for every signal the gateway takes (a transform processor in a logs or metrics pipeline
        // runs only its log_statements or metric_statements).
        var strip = List.of(Map.of("context", "resource",
                "statements", List.of("replace_pattern(" + attribute + ", \"" + GENERATION_SUFFIX.replace("\\", "\\\\")
                        + "\", \"\")")));
        c.add(PROCESSORS, "transform/tenant", Map.of("error_mode", "propagate", "trace_statements", strip,
                "log_statements", strip, "metric_statements", strip));
        c.appendProcessor(pipeline, "transform/tenant");
    }

    /**
     * A client may put {@code tracing.tenant} on its spans (log records, data points) too: deleted there, so nothing
     * downstream (the sampling tier's string_attribute policies read span attributes as well as resource ones, Loki
     * and Prometheus keep record and point attributes) can see another tenant's id.
     */
    static void stripClientTenant(CollectorConfig c, String pipeline) {
        c.add(PROCESSORS, "attributes/strip-tenant", Map.of("actions", List.of(Map.of("key", TENANT_ATTRIBUTE, "action", "delete"))));
        c.appendProcessor(pipeline, "attributes/strip-tenant");
    }

    /** Where the data comes from, unless the team said so itself: insert never overwrites a team's value. */
    static void platformLabels(CollectorConfig c, String pipeline, String environment, String cluster) {
        c.add(PROCESSORS, "resource/platform", Map.of("attributes", List.of(
                Map.of("key", "deployment.environment.name", "value", environment, "action", "insert"),
                Map.of("key", "k8s.cluster.name", "value", cluster, "action", "insert"))));
        c.appendProcessor(pipeline, "resource/platform");
    }

    /** One route per tenant; data of no known tenant matches nothing and goes nowhere. */
    static void routeByTenant(CollectorConfig c, String from, String router, List<String> tenants,
                              java.util.function.Function<String, String> pipelineOf) {
        if (tenants.isEmpty()) return;
        var table = new ArrayList<Map<String, Object>>();
        for (String id : tenants) {
            table.add(route(id, List.of(pipelineOf.apply(id))));
            c.addReceiver(pipelineOf.apply(id), router);
        }
        addRoutes(c, router, table);
        c.addExporter(from, router);
    }

    private static Map<String, Object> route(String id, List<String> pipelines) {
        var route = new LinkedHashMap<String, Object>();
        route.put("context", "resource");
        route.put("condition", "attributes[\"" + TENANT_ATTRIBUTE + "\"] == \"" + id + "\"");
        route.put("pipelines", pipelines);
        return route;
    }

    @SuppressWarnings("unchecked")
    private static void addRoutes(CollectorConfig c, String router, List<Map<String, Object>> routes) {
        var existing = c.section(CONNECTORS).get(router);
        var table = new ArrayList<Map<String, Object>>(existing == null ? List.of() : (List<Map<String, Object>>) existing.get("table"));
        for (var r : routes) if (!table.contains(r)) table.add(r);
        c.replace(CONNECTORS, router, Map.of("table", table));
    }

    /**
     * OTLP to the distributor with the tenant's header, retries, and a persistent queue that batches itself. No batch
     * processor: it acknowledges the client before the data is queued and drops it on a crash or a full queue
     * (core docs/rfcs/batching-migration.md); the queue's own batcher (exporterhelper sending_queue.batch) works on
     * what is already on disk, so an acknowledged span is a persisted span.
     */
    static void exportToTempo(CollectorConfig c, String pipeline, String tenant, String endpoint, long queueBytes, TypeNames types) {
        persistentQueue(c);
        c.add(EXPORTERS, types.grpc() + "/tenant-" + tenant, tempoExporter(tenant, endpoint, queueBytes));
        c.addExporter(pipeline, types.grpc() + "/tenant-" + tenant);
        if (types.drainRenamed()) {
            // The same exporter under its pre-rename id, so it opens the queue file that id wrote (see TypeNames).
            c.add(EXPORTERS, "otlp/tenant-" + tenant, tempoExporter(tenant, endpoint, queueBytes));
            c.addExporter(DRAIN_PIPELINE, "otlp/tenant-" + tenant);
        }
    }

    private static Map<String, Object> tempoExporter(String tenant, String endpoint, long queueBytes) {
        return Map.of(
                "endpoint", endpoint,
                "balancer_name", "round_robin",
                "tls", Map.of("insecure", true),
                "headers", Map.of("X-Scope-OrgID", tenant),
                "retry_on_failure", Map.of("enabled", true, "initial_interval", "5s", "max_interval", "30s", "max_elapsed_time", "1h"),
                "sending_queue", sendingQueue(queueBytes));
    }

    /**
     * The pipeline of the pre-rename exporters. Its only receiver is the tenant router, which has no route to it: it
     * takes no data (routingconnector sends only to the pipelines of a matching route, and sets no default), so its
     * exporters only send what their persistent queues held when the collector started.
     */
    static void drainPipeline(CollectorConfig c, String router) {
        if (c.pipelines().containsKey(DRAIN_PIPELINE)) c.addReceiver(DRAIN_PIPELINE, router);
    }

    /**
     * The component type names of the release's collector where upstream renamed one. Collector 0.144 renamed otlp to
     * otlp_grpc and otlphttp to otlp_http, keeping the old names as deprecated aliases of the same factories
     * (opentelemetry-collector v0.159.0
     * exporter/otlpexporter and otlphttpexporter, internal/metadata/generated_status.go: Type, DeprecatedType); a
     * release uses the new names once it lists them (catalog rule otelcol-0.144-otlp-exporters-renamed). A persistent
     * queue's file is named after its exporter's id (exporterhelper internal/queue/persistent_queue.go: GetClient(kind,
     * ownerID, signal); the alias keeps the configured id, service/internal/builders/exporter.go), so a renamed
     * exporter starts on an empty queue. While the release still lists the old type, each queued exporter keeps its
     * old id in the drain pipeline and sends what that queue held.
     *
     * @param grpc the OTLP/gRPC exporter type
     * @param http the OTLP/HTTP exporter type
     * @param drainRenamed whether each queued exporter's pre-rename id drains its queue
     * @param spanMetrics the span metrics connector's type (span_metrics from contrib 0.151)
     */
    record TypeNames(String grpc, String http, boolean drainRenamed, String spanMetrics) {
        static TypeNames of(io.tracingplatform.release.Release release) {
            var listed = release.collectorComponents();
            boolean renamed = listed.contains("exporter/otlp_grpc");
            // contrib 0.151 renamed the spanmetrics connector span_metrics (its metadata.yaml: type, deprecated_type);
            // it keeps no state on disk, so the new name needs no drain.
            return new TypeNames(renamed ? "otlp_grpc" : "otlp", listed.contains("exporter/otlp_http") ? "otlp_http" : "otlphttp",
                    renamed && listed.contains("exporter/otlp"),
                    listed.contains("connector/span_metrics") ? "span_metrics" : "spanmetrics");
        }
    }

    /**
     * Logs or metrics of every tenant to the stack's backend, with the same identity rules as traces: the tenant is
     * who authenticated, a client's own {@code tracing.tenant} is deleted, each tenant has its own exporter with its
     * {@code X-Scope-OrgID} (Loki and Mimir separate tenants by it). Apps' SDKs and the Java agent export all three
     * signals by default, so this is what makes their logs reach Loki, correlated with their traces by trace_id.
     *
     * <p>Passed through synchronously: no queue and no retries here, so the gateway acknowledges a request only once
     * the backend took it, and a backend's refusal (429, 5xx) reaches the app's SDK, which retries (the otlp
     * receiver answers 503 for a retryable export error). That keeps the traces' persistent-queue arithmetic as it
     * is (no per-tenant budget for these signals on the volume or in memory) and loses nothing it acknowledged.
     */
    static void passThrough(CollectorConfig c, String signal, String endpoint, StackSettings settings, List<String> tenants,
                            TypeNames types) {
        String intake = signal + "/intake";
        authenticatedOtlpReceiver(c, intake);
        tenantFromAuth(c, intake);
        stripClientTenant(c, intake);
        platformLabels(c, intake, settings.environment(), settings.clusterName());
        routeByTenant(c, intake, "routing/" + signal, tenants, id -> signal + "/tenant-" + id);
        for (String id : tenants) {
            // No queue, so nothing to drain when the type is renamed.
            String exporter = types.http() + "/" + signal + "-" + id;
            c.add(EXPORTERS, exporter, Map.of(
                    "endpoint", endpoint,
                    "headers", Map.of("X-Scope-OrgID", id),
                    "sending_queue", Map.of("enabled", false),
                    "retry_on_failure", Map.of("enabled", false)));
            c.addExporter(signal + "/tenant-" + id, exporter);
        }
    }

    /**
     * Span metrics of the sampling tenants, computed at the gateway from every span, before the sampling tier drops
     * most traces: contrib's spanmetrics connector, fed by the tenant router, into the per-tenant metrics routing of
     * {@link #passThrough}, so each tenant's series go to the metrics backend under its own X-Scope-OrgID. Tempo's
     * metrics-generator stops computing span-metrics for these tenants (TempoPlan.overrides), so nothing is counted
     * twice. Service graphs stay with the generator, after sampling: contrib's servicegraph connector is in the
     * distribution manifest, but the module proxy refuses servicegraphconnector v0.140.1 (403, "not available"), so
     * the 0.140.1 collector cannot be built with it.
     *
     * <p>The series are shaped like the generator's, so Grafana's Tempo data source and this platform's queries
     * (DataSources tracesToMetrics) work unchanged:
     * <ul>
     *   <li>names: the connector emits {@code <namespace>.calls} and {@code <namespace>.duration} (spanmetricsconnector
     *       connector.go buildMetrics); renamed to {@code traces.spanmetrics.calls.total} and, unit dropped,
     *       {@code traces.spanmetrics.latency}, which an OTLP receiver that escapes names to underscores stores as
     *       {@code traces_spanmetrics_calls_total} and {@code traces_spanmetrics_latency_bucket/_sum/_count} whether or
     *       not it adds type and unit suffixes (Prometheus's default UnderscoreEscapingWithSuffixes: otlptranslator
     *       metric_namer.go normalizeName appends {@code total} once, dropping one already there);</li>
     *   <li>labels: {@code span.name, span.kind, status.code} become span_name, span_kind, status_code with the
     *       generator's values (SPAN_KIND_SERVER, STATUS_CODE_ERROR: traceutil, connector.go buildAttributes);
     *       {@code service.name} is renamed {@code service}, the generator's label; {@code tenant} carries the tenant,
     *       as the generator's inject_tenant_id_as (TempoPlan), so one Prometheus keeps two tenants' services apart;</li>
     *   <li>buckets: the generator's default histogram_buckets (0.002 s doubling to 16.384 s), in seconds; flushed
     *       every 15s, as the generator's registry collection_interval. A service's series stop 15m after its last
     *       span (metrics_expiration works per resource, connector.go: lastSeen per resourceMetrics), not per series
     *       as the generator's stale_duration does: a span name seen once is exported as long as its service sends,
     *       hence the per-service series cap;</li>
     *   <li>no exemplars: most would point at traces the sampling tier drops.</li>
     * </ul>
     *
     * <p>Several gateway pods count the same service, each its own cumulative counter: the series must not collide,
     * or Prometheus interleaves two counters into one. Each pod sets the resource's {@code service.instance.id} to
     * its pod name, which an OTLP receiver turns into the {@code instance} label (as the generator's
     * enable_instance_label does for its own replicas); the app's own instance id is dropped before counting, so a
     * service is one series per gateway pod, not per app pod. At 0.159 the connector adds a per-process random
     * {@code collector.instance.id} dimension by default (feature gate includeCollectorInstanceID, beta there):
     * excluded, the pod name already tells the pods apart and survives restarts.
     *
     * <p>The connector's output keeps the span's resource attributes, among them {@code tracing.tenant} that the
     * metrics router reads: the default at 0.140.1, and {@code add_resource_attributes} keeps it so where the
     * feature gate excludeResourceMetrics is on (spanmetricsconnector connector.go buildMetrics).
     */
    static void spanMetricsBeforeSampling(CollectorConfig c, String traceRouter, String metricsRouter, String connectorType) {
        c.addReceiver(SPAN_METRICS_FEED, traceRouter);
        // Only what becomes a label: the resource is the connector's key (createResourceKey), and an OTLP receiver
        // (Prometheus, Mimir) makes labels of service.name/namespace (job) and service.instance.id (instance) only.
        // Anything else in the key (a team's own environment or cluster name) would split one service into two
        // counters with identical labels, which the backend then interleaves or refuses as duplicates.
        // error_mode ignore: the feed must never refuse a team's traces (the router would return the error to the
        // client, which retries, and the sampling tier would get those spans twice).
        c.add(PROCESSORS, "transform/spanmetrics-resource", Map.of("error_mode", "ignore", "trace_statements", List.of(
                Map.of("context", "resource", "statements", List.of("keep_keys(attributes, [\"service.name\", "
                        + "\"service.namespace\", \"" + TENANT_ATTRIBUTE + "\"])")))));
        c.appendProcessor(SPAN_METRICS_FEED, "transform/spanmetrics-resource");
        var buckets = new ArrayList<String>();
        for (int ms = 2; ms <= 16384; ms *= 2) buckets.add(ms + "ms");
        var connector = new LinkedHashMap<String, Object>();
        connector.put("namespace", "traces.spanmetrics");
        connector.put("aggregation_temporality", "AGGREGATION_TEMPORALITY_CUMULATIVE");
        connector.put("histogram", Map.of("unit", "s", "explicit", Map.of("buckets", buckets)));
        connector.put("exemplars", Map.of("enabled", false));
        connector.put("metrics_flush_interval", "15s");
        connector.put("metrics_expiration", "15m");
        connector.put("add_resource_attributes", true);
        connector.put("exclude_dimensions", List.of("collector.instance.id"));
        // Per service (the connector's resource) and metric, per gateway pod: span names built from URLs or ids
        // cannot grow the series without bound; beyond it they count in one otel.metric.overflow=true series
        // (internal/metrics/metrics.go). Tempo's max_active_series does not govern these series; the metrics
        // backend's own per-tenant limit does.
        connector.put("aggregation_cardinality_limit", SPAN_METRICS_SERIES_PER_SERVICE);
        c.add(CONNECTORS, connectorType, connector);
        c.addExporter(SPAN_METRICS_FEED, connectorType);

        c.addReceiver(SPAN_METRICS_OUT, connectorType);
        c.add(PROCESSORS, "transform/spanmetrics-names", Map.of("error_mode", "propagate", "metric_statements", List.of(
                Map.of("context", "metric", "statements", List.of(
                        "set(name, \"traces.spanmetrics.calls.total\") where name == \"traces.spanmetrics.calls\"",
                        "set(unit, \"\") where name == \"traces.spanmetrics.duration\"",
                        "set(name, \"traces.spanmetrics.latency\") where name == \"traces.spanmetrics.duration\"")),
                Map.of("context", "datapoint", "statements", List.of(
                        "set(attributes[\"service\"], attributes[\"service.name\"]) where attributes[\"service.name\"] != nil",
                        "delete_key(attributes, \"service.name\")",
                        "set(attributes[\"" + io.tracingplatform.tempo.targets.MetricsGenerator.TENANT_LABEL
                                + "\"], resource.attributes[\"" + TENANT_ATTRIBUTE + "\"])")))));
        c.appendProcessor(SPAN_METRICS_OUT, "transform/spanmetrics-names");
        // Without the variable the value is empty and the resource processor refuses to start (otelcol 0.140.1, real
        // suite): a pod that cannot tell its series from another pod's does not run. GatewayCluster sets it.
        c.add(PROCESSORS, "resource/spanmetrics-instance", Map.of("attributes", List.of(Map.of(
                "key", "service.instance.id", "value", "${env:" + POD_NAME_ENV + "}", "action", "upsert"))));
        c.appendProcessor(SPAN_METRICS_OUT, "resource/spanmetrics-instance");
        // Into the tenants' metrics routing: the router reads tracing.tenant from the resource, as for apps' metrics.
        // A refused export (the exporters there neither queue nor retry) loses one flush; the next carries the totals.
        c.addExporter(SPAN_METRICS_OUT, metricsRouter);
    }

    /**
     * A sampling tenant's span metrics need the metrics backend (gateway.metricsEndpoint): without it they could only
     * come from Tempo's metrics-generator, after sampling, with a fraction of the calls and an inflated error ratio
     * that look plausible on a dashboard. Refused before anything is deployed rather than served wrong: the fix is
     * one setting, or the tenant turns span metrics off or stops sampling.
     */
    public static void checkSpanMetricsRoute(StackSettings settings, List<Tenant> tenants) {
        if (settings.gateway().metricsEndpoint().isPresent()) return;
        var problems = new ArrayList<io.tracingplatform.config.Problem>();
        for (var t : tenants) {
            if (!t.settings().spanMetricsAtGateway()) continue;
            problems.add(new io.tracingplatform.config.Problem(settings.file(), io.tracingplatform.yaml.Location.UNKNOWN,
                    "tracing-platform:gateway.metricsEndpoint", "tenant " + t.id() + " samples its traces and wants span "
                    + "metrics, which the gateway computes before sampling and sends to the metrics backend; this stack "
                    + "has none.", "pulumi config set --stack " + settings.stack() + " --path "
                    + "'tracing-platform:gateway.metricsEndpoint' <OTLP/HTTP base URL of Mimir or Prometheus>, or in "
                    + t.file() + " set metricsGenerator.spanMetrics: false or sampling: none for " + settings.stack()));
        }
        if (!problems.isEmpty()) {
            throw new io.tracingplatform.config.InvalidInputException("Span metrics before sampling need gateway.metricsEndpoint",
                    problems);
        }
    }

    /**
     * The SDK exporter variables that switch off a signal the gateway does not take on this stack (OpenTelemetry
     * SDK environment variables: OTEL_LOGS_EXPORTER, OTEL_METRICS_EXPORTER, value "none"); without them every app
     * logs a 404 for each export of it.
     */
    public static Map<String, String> unservedSignals(io.tracingplatform.config.GatewaySettings gateway) {
        var env = new java.util.TreeMap<String, String>();
        if (gateway.logsEndpoint().isEmpty()) env.put("OTEL_LOGS_EXPORTER", "none");
        if (gateway.metricsEndpoint().isEmpty()) env.put("OTEL_METRICS_EXPORTER", "none");
        return env;
    }

    /** A persistent queue sized in bytes, batching by bytes up to MAX_REQUEST_BYTES per request. */
    static Map<String, Object> sendingQueue(long queueBytes) {
        var q = new LinkedHashMap<String, Object>();
        q.put("enabled", true);
        q.put("storage", "file_storage/queue");
        q.put("sizer", "bytes");
        q.put("queue_size", queueBytes);
        q.put("num_consumers", 4);
        q.put("batch", Map.of("sizer", "bytes", "min_size", 512 * 1024, "max_size", MAX_REQUEST_BYTES, "flush_timeout", "200ms"));
        return q;
    }

    /** An equal share of QUEUE_SHARE_OF_VOLUME of the volume for each of the pod's persistent queues. */
    static long queueBudget(long volumeBytes, int queues) {
        return (long) (volumeBytes * QUEUE_SHARE_OF_VOLUME / Math.max(1, queues));
    }

    /**
     * The queue-volume check on its own, for validation before the program runs (App.load): a stack whose volume is
     * too small for its tenants fails like a bad setting, with file, key and fix, and nothing is deployed.
     */
    public static void checkQueueRoom(StackSettings settings, List<Tenant> tenants) {
        long volume = ModelNumbers.bytes(settings.gateway().queueVolumeSize());
        int sampling = (int) tenants.stream().filter(t -> t.settings().sampling().enabled()).count();
        int gatewayQueues = gatewayQueues(tenants.size(), sampling);
        requireRoom(settings, queueBudget(volume, gatewayQueues), gatewayQueues);
        if (sampling > 0) requireRoom(settings, queueBudget(volume, sampling), sampling);
    }

    /** A gateway pod's persistent queues: one per tenant that does not sample, one for the sampling tier. */
    static int gatewayQueues(int tenants, int sampling) {
        return tenants - sampling + (sampling > 0 ? 1 : 0);
    }

    /**
     * A queue must hold at least one of the largest requests, or it refuses every large one; the batcher also needs its
     * minimum below the queue size (exporterhelper queuebatch Config.Validate). Too many tenants for the volume is a
     * settings problem, stated before anything is deployed.
     */
    static void requireRoom(StackSettings settings, long queueBytes, int queues) {
        if (queueBytes < MAX_REQUEST_BYTES) {
            long needed = (long) Math.ceil(2.0 * MAX_REQUEST_BYTES * queues / QUEUE_SHARE_OF_VOLUME / (1024 * 1024 * 1024));
            throw new io.tracingplatform.config.InvalidInputException("The gateway's queue volume is too small", List.of(
                    new io.tracingplatform.config.Problem(settings.file(), io.tracingplatform.yaml.Location.UNKNOWN,
                            "tracing-platform:gateway.queueVolumeSize", settings.gateway().queueVolumeSize() + " shared by "
                            + queues + " persistent queues leaves " + queueBytes / 1024 + " KiB each, under one request of "
                            + MAX_REQUEST_BYTES / 1024 + " KiB.", "pulumi config set --stack " + settings.stack()
                            + " --path 'tracing-platform:gateway.queueVolumeSize' " + needed + "Gi")));
        }
    }

    /** fsync on every write: a span the collector acknowledged is on disk, not in the page cache, when a node dies. */
    static void persistentQueue(CollectorConfig c) {
        c.add(EXTENSIONS, "file_storage/queue", Map.of("directory", QUEUE_DIR, "create_directory", true, "fsync", true,
                "compaction", Map.of("on_start", true, "directory", QUEUE_DIR)));
    }

    /**
     * Sampling tenants go, trace-ID-aware, to the sampling tier: every span of a trace meets in one pod. Those in
     * {@code spanMetrics} go to the span metrics feed too, in the same route (the routing connector sends data to the
     * first route that matches only).
     */
    static void routeToSampler(CollectorConfig c, String from, String router, List<String> tenants, List<String> spanMetrics,
                               String samplerHost, long queueBytes) {
        String pipeline = "traces/to-sampler";
        var routes = new ArrayList<Map<String, Object>>();
        for (String id : tenants) {
            routes.add(route(id, spanMetrics.contains(id) ? List.of(pipeline, SPAN_METRICS_FEED) : List.of(pipeline)));
        }
        addRoutes(c, router, routes);
        c.addReceiver(pipeline, router);
        c.addExporter(from, router);
        persistentQueue(c);
        // The credential as a plain header: the basicauth client extension's per-RPC credentials demand TLS
        // (basicauthextension extension.go RequireTransportSecurity), which the in-cluster hop does not have.
        // The per-sampler exporters get no queue of their own (it would hold acknowledged data in memory: the
        // persistent queue deletes an item once handed on) and no retries; retries are the outer exporter's.
        var perSampler = new LinkedHashMap<String, Object>();
        perSampler.put("tls", Map.of("insecure", true));
        perSampler.put("headers", Map.of("authorization", "${env:" + SAMPLER_AUTHORIZATION_ENV + "}"));
        perSampler.put("sending_queue", Map.of("enabled", false));
        perSampler.put("retry_on_failure", Map.of("enabled", false));
        c.add(EXPORTERS, "loadbalancing/sampler", Map.of(
                "routing_key", "traceID",
                "protocol", Map.of("otlp", perSampler),
                "retry_on_failure", Map.of("enabled", true, "initial_interval", "5s", "max_interval", "30s", "max_elapsed_time", "1h"),
                // A string: contrib's loadbalancingexporter DNSResolver declares `Port string` and the collector decodes
                // without weak typing, so an int stops the gateway at start (otelcol validate, real-server suite).
                "resolver", Map.of("dns", Map.of("hostname", samplerHost, "port", String.valueOf(OTLP_GRPC))),
                // num_consumers explicitly: the load-balancing exporter's default queue has none, and otelcol 0.140.1
                // refuses the config ("sending_queue: `num_consumers` must be positive", real-server suite).
                "sending_queue", sendingQueue(queueBytes)));
        c.addExporter(pipeline, "loadbalancing/sampler");
    }

    /**
     * One tail sampler per tenant, after the tenant router, with that tenant's rules only (or-ed). The processor groups
     * spans by trace ID alone and every policy looks at the whole group (contrib processor/tailsamplingprocessor: a
     * trace's batches, sampling policies evaluated over all its spans): one shared sampler would merge a tenant's trace
     * with any span of another tenant that carries the same trace ID, so that tenant could make another's rules keep
     * (an error span of its own satisfies the other's keep-errors rule). Per tenant, the groups never mix, and one
     * tenant's burst of new traces cannot evict another's from memory: the pod's budget of traces held (num_traces) is
     * shared out by the tenants' rate limits (a tenant allowed more data sends more traces), at least a tenth of it
     * each. The memory limiter, not this count, protects the pod; a tenant whose traces outrun its share sees
     * otelcol_processor_tail_sampling_sampling_trace_dropped_too_early grow for its processor.
     *
     * @param share the tenant's part of the pod's trace budget (its rate limit over all sampling tenants')
     */
    static void tailSampling(CollectorConfig c, String pipeline, Tenant tenant, double share) {
        var policies = new ArrayList<Map<String, Object>>();
        Sampling s = tenant.settings().sampling();
        if (s.keepErrors()) policies.add(Map.of("name", "errors", "type", "status_code",
                "status_code", Map.of("status_codes", List.of("ERROR"))));
        s.keepSlowerThan().ifPresent(d -> policies.add(Map.of("name", "slow", "type", "latency",
                "latency", Map.of("threshold_ms", d.toMillis()))));
        if (s.keepPercent() > 0) policies.add(Map.of("name", "percent", "type", "probabilistic",
                "probabilistic", Map.of("sampling_percentage", ModelNumbers.whole(s.keepPercent()))));
        String id = "tail_sampling/" + tenant.id();
        c.add(PROCESSORS, id, Map.of("decision_wait", "10s",
                "num_traces", Math.max(SAMPLER_TRACES / 10, Math.round(SAMPLER_TRACES * share)),
                "expected_new_traces_per_sec", Math.max(100, Math.round(1000 * share)), "policies", policies));
        c.appendProcessor(pipeline, id);
    }

    static void healthCheck(CollectorConfig c) {
        c.add(EXTENSIONS, "health_check", Map.of("endpoint", "0.0.0.0:" + HEALTH));
    }

    /** The collector's own metrics, scraped by a ServiceMonitor. */
    static void selfTelemetry(CollectorConfig c) {
        c.telemetry(Map.of(
                "logs", Map.of("level", "info"),
                "metrics", Map.of("level", "normal", "readers", List.of(Map.of("pull", Map.of("exporter",
                        Map.of("prometheus", Map.of("host", "0.0.0.0", "port", METRICS))))))));
    }

    /** Profiling and debug pages: local only, and only on localhost (kubectl port-forward). */
    static void debugExtensions(CollectorConfig c) {
        c.add(EXTENSIONS, "pprof", Map.of("endpoint", "localhost:1777"));
        c.add(EXTENSIONS, "zpages", Map.of("endpoint", "localhost:55679"));
    }

    /**
     * memory_limiter first in every pipeline, so overload is refused before any work is done; not in the span metrics
     * feed, which shares its data with the sampler route: a refusal there would make the client resend spans the
     * sampling tier already has (the intake pipeline's limiter has refused overload before the router).
     */
    static void memoryLimiterFirst(CollectorConfig c) {
        c.add(PROCESSORS, "memory_limiter", Map.of("check_interval", "1s", "limit_percentage", 80, "spike_limit_percentage", 20));
        for (String p : c.pipelines().keySet()) if (!p.equals(SPAN_METRICS_FEED)) c.prependProcessor(p, "memory_limiter");
    }

    static Map<String, List<String>> componentTypes(CollectorConfig c) {
        var types = new java.util.TreeMap<String, List<String>>();
        for (var section : CollectorConfig.Section.values()) {
            types.put(section.key(), c.section(section).keySet().stream().map(CollectorConfig::type).distinct().sorted().toList());
        }
        return types;
    }
}
