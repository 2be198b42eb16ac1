package io.tracingplatform.tenants;

import static io.tracingplatform.tenants.Model.Field.optional;
import static io.tracingplatform.tenants.Model.Field.required;

import io.tracingplatform.tenants.Model.Bool;
import io.tracingplatform.tenants.Model.Choice;
import io.tracingplatform.tenants.Model.Dur;
import io.tracingplatform.tenants.Model.ListOf;
import io.tracingplatform.tenants.Model.MapOf;
import io.tracingplatform.tenants.Model.NoneOr;
import io.tracingplatform.tenants.Model.Num;
import io.tracingplatform.tenants.Model.Obj;
import io.tracingplatform.tenants.Model.Str;
import java.util.List;

/** The shape of a tenant file ({@code stacks/tenants/<id>.yaml}), apiVersion tracing-platform/v1. */
public final class TenantModel {
    public static final String API_VERSION = "tracing-platform/v1";
    public static final String KIND = "Tenant";
    /**
     * A DNS-1123 label that starts with a letter: Grafana's org_mapping reads a number as an organisation id, so a
     * tenant "12" would map its groups into whatever organisation has id 12.
     */
    public static final String ID_PATTERN = "[a-z]([-a-z0-9]*[a-z0-9])?";
    public static final int ID_MIN = 2;
    public static final int ID_MAX = 40;
    public static final String NAMESPACE_PATTERN = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    /** Pragmatic address check (RFC 5322 is far wider; this catches typos, not exotic addresses). */
    public static final String EMAIL_PATTERN = "[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}";
    /** templates/tenant.yaml's placeholders: a scaffold left at them is refused until a person fills them in. */
    public static final String PLACEHOLDER_COST_CENTER = "CC-0000";
    public static final String PLACEHOLDER_CONTACT = "my-team@example.com";
    public static final List<String> LANGUAGES = List.of("java", "nodejs", "python", "dotnet", "go");

    private TenantModel() {}

    static Num positive(String unit, boolean integer) {
        return new Num(0, true, integer ? 1e12 : 1e9, integer, unit);
    }

    /**
     * The smallest burst that works, in MB: one gateway request. The gateway caps a request at 8 MiB, and Tempo
     * refuses any request larger than the tenant's burst, always (modules/distributor/distributor.go,
     * checkForRateLimits: the limiter's AllowN(now, tenant, size) is false when size > burst; not re-read here).
     */
    public static final double MIN_BURST_MB = io.tracingplatform.collector.GatewayPlan.MAX_REQUEST_BYTES / 1e6;
    public static final String WHY_MIN_BURST = "Tempo refuses every request larger than the burst, and the gateway sends "
            + "requests of up to " + io.tracingplatform.collector.GatewayPlan.MAX_REQUEST_BYTES / (1024 * 1024) + " MiB ("
            + MIN_BURST_MB + " MB), so a smaller burst loses whole batches of spans.";

    public static Obj ingestion() {
        return Obj.of(
                optional("rateLimitMBps", positive("MB/s", false),
                        "Sustained ingestion limit in MB/s (Tempo ingestion_rate_limit_bytes). Default: the stack's tenantDefaults."),
                optional("burstMB", new Num(MIN_BURST_MB, false, 1e9, false, "MB", WHY_MIN_BURST),
                        "Burst allowed above the rate, in MB (Tempo ingestion_burst_size_bytes); at least one gateway request (8 MiB = " + MIN_BURST_MB + " MB). Default: the stack's tenantDefaults."),
                optional("maxTracesPerUser", positive("traces", true),
                        "Live traces per ingester (Tempo max_traces_per_user). Default: the stack's tenantDefaults."),
                optional("maxTraceSizeMB", positive("MB", false),
                        "Largest trace kept, in MB (Tempo max_bytes_per_trace). Default: the stack's tenantDefaults."),
                optional("averageMBps", positive("MB/s", false),
                        "Declared average ingest in MB/s, for cost estimates only. Default: the rate limit."));
    }

    public static Obj samplingRules() {
        return Obj.of(
                optional("keepErrors", new Bool(), "Keep every trace with an error span. Default: true."),
                optional("keepSlowerThan", new Dur(), "Keep every trace longer than this (e.g. 2s). Default: not used."),
                optional("keepPercent", new Num(0, false, 100, false, "%"),
                        "Percentage of the remaining traces kept. Default: 10."));
    }

    public static Obj metricsGenerator() {
        return Obj.of(
                optional("spanMetrics", new Bool(), "Generate RED metrics from spans. Default: the stack's tenantDefaults."),
                optional("serviceGraphs", new Bool(), "Generate the service graph. Default: the stack's tenantDefaults."),
                optional("maxActiveSeries", positive("series", true),
                        "Cap on active series the metrics-generator writes for this tenant. Default: the stack's tenantDefaults."));
    }

    public static Obj environment() {
        return Obj.of(
                optional("retention", new Dur(),
                        "How long traces are kept (e.g. 14d, 336h). Default: the stack's tenantDefaults; capped by tenantLimits.maxRetention."),
                optional("ingestion", ingestion(), "Ingestion limits."),
                optional("sampling", new NoneOr(samplingRules()),
                        "Tail sampling at the gateway: 'none' keeps everything, or rules. Default: the stack's tenantDefaults."),
                optional("metricsGenerator", metricsGenerator(), "Metrics derived from spans (span metrics, service graph)."),
                optional("grafana", Obj.of(
                        optional("viewers", new ListOf(group(), 0, true), "SSO groups that get Viewer in the team's Grafana organisation."),
                        optional("editors", new ListOf(group(), 0, true), "SSO groups that get Editor in the team's Grafana organisation.")),
                        "Who sees the team's traces in Grafana."),
                optional("instrumentation", Obj.of(
                        optional("namespaces", new ListOf(new Str(NAMESPACE_PATTERN, 1, 63, "a Kubernetes namespace name (DNS-1123 label)"), 0, true),
                                "Kubernetes namespaces the team runs in: each gets the gateway credentials Secret."),
                        optional("languages", new ListOf(new Choice(LANGUAGES), 0, true),
                                "Languages for zero-code instrumentation (OpenTelemetry Operator Instrumentation)."),
                        optional("samplerRatio", new Num(0, false, 1, false, "ratio"),
                                "Head sampling ratio for zero-code instrumentation (parentbased_traceidratio). Default: 1.")),
                        "Where the team's workloads run."));
    }

    /** Grafana's org_mapping separates entries with spaces or commas and fields with ':', so a group has none. */
    static Str group() {
        return new Str("[^\\s:,]+", 1, 256, "an SSO group name without spaces, ':' or ','");
    }

    /** The whole file; {@code stacks} are the stack names environments may use. */
    public static Obj file(List<String> stacks) {
        return Obj.of(
                required("apiVersion", new Choice(List.of(API_VERSION)), "Always " + API_VERSION + "."),
                required("kind", new Choice(List.of(KIND)), "Always " + KIND + "."),
                required("id", new Str(ID_PATTERN, ID_MIN, ID_MAX, "a DNS-1123 label of " + ID_MIN + " to " + ID_MAX
                                + " characters starting with a letter (lowercase letters, digits, '-')"),
                        "Tenant id: the X-Scope-OrgID, the bucket prefix, part of Kubernetes names and the Grafana organisation. Equals the file name."),
                required("displayName", new Str(null, 1, 80, "1 to 80 characters"), "Team name as people know it."),
                required("costCenter", new Str(null, 1, 64, "1 to 64 characters", List.of(PLACEHOLDER_COST_CENTER)),
                        "Cost center storage costs are charged to."),
                required("contacts", new ListOf(new Str(EMAIL_PATTERN, 3, 254, "an e-mail address", List.of(PLACEHOLDER_CONTACT)), 1, true),
                        "At least one e-mail address that answers for the team."),
                required("environments", new MapOf(stacks, environment(), 0),
                        "Environments (stack names) the team joins, each with its settings. A team joins only the stacks it lists."));
    }
}
