package io.tracingplatform.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tracingplatform.Plans;
import io.tracingplatform.TempProject;
import io.tracingplatform.App;
import io.tracingplatform.config.StackFiles;
import io.tracingplatform.tenants.Tenant;
import io.tracingplatform.yaml.Yaml;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Isolation proof: the rendered collector configs, interpreted with the documented semantics of their components
 * (basicauth/htpasswd, resource processor upsert from auth.username, the transform processor's replace_pattern,
 * routing connector conditions, static exporter headers, load-balancing to the sampling tier, the span metrics
 * connector whose metrics keep the span's resource), never let one tenant's credential act for another, of either
 * generation during a rotation window: neither in Tempo nor in the metrics backend.
 */
class TenantIsolationTest {
    static final String SEED = "isolation-test-seed";
    static final Pattern ROUTE = Pattern.compile("attributes\\[\"tracing\\.tenant\"\\] == \"([^\"]+)\"");
    /** The one OTTL statement form the gateway uses; anything else fails the interpreter loudly. */
    static final Pattern REPLACE_PATTERN = Pattern.compile(
            "replace_pattern\\(attributes\\[\"([^\"]+)\"\\], \"((?:\\\\.|[^\"\\\\])*)\", \"((?:\\\\.|[^\"\\\\])*)\"\\)");
    /** keep_keys on the resource (the span metrics feed): every other resource attribute is gone. */
    static final Pattern KEEP_KEYS = Pattern.compile("keep_keys\\(attributes, \\[((?:\"[^\"]+\"(?:, )?)+)\\]\\)");
    static final CredentialWindow GENERATION_1 = new CredentialWindow(1, java.util.Optional.empty(), java.time.LocalDate.of(2026, 12, 1));

    /** A request: Authorization credentials, headers the client sets, and the tenant attribute it claims. */
    record Request(String user, String password, Map<String, String> headers, String claimedTenant) {}

    /** The X-Scope-OrgID values Tempo receives for the request's spans; empty when the gateway refuses it. */
    @SuppressWarnings("unchecked")
    static Set<String> tenantsTempoSees(GatewayPlan plan, String htpasswd, Request request) throws Exception {
        var gateway = (Map<String, Object>) Yaml.YAML.readValue(plan.gatewayYaml(), Map.class);
        // basicauth: the user must have an htpasswd line whose {SHA} hash matches the password.
        String line = request.user() + ":{SHA}" + GatewayCredentials.sha1Base64(request.password());
        if (!htpasswd.lines().toList().contains(line)) return Set.of();
        var receivers = (Map<String, Object>) gateway.get("receivers");
        String all = Yaml.toYaml(receivers);
        assertFalse(all.contains("include_metadata"), "client headers must not become pipeline metadata");
        var attributes = new HashMap<String, String>();
        attributes.put("tracing.tenant", request.claimedTenant());
        var seen = new TreeSet<String>();
        run(gateway, plan, "traces/intake", attributes, request, seen);
        return seen;
    }

    @SuppressWarnings("unchecked")
    static void run(Map<String, Object> cfg, GatewayPlan plan, String pipeline, Map<String, String> attrs, Request request,
                    Set<String> seen) throws Exception {
        var p = (Map<String, List<String>>) ((Map<String, Object>) ((Map<String, Object>) cfg.get("service")).get("pipelines")).get(pipeline);
        var processors = (Map<String, Map<String, Object>>) cfg.getOrDefault("processors", Map.of());
        for (String id : p.getOrDefault("processors", List.of())) {
            if (id.startsWith("transform/")) transform(processors.get(id), attrs, pipeline.substring(0, pipeline.indexOf('/')));
            if (!id.startsWith("resource/")) continue;
            for (var action : (List<Map<String, Object>>) processors.get(id).get("attributes")) {
                String key = (String) action.get("key");
                Object from = action.get("from_context");
                String value = from == null ? (String) action.get("value")
                        : from.equals("auth.username") ? request.user()
                        : request.headers().get(((String) from).replace("metadata.", ""));
                if ("upsert".equals(action.get("action")) || ("insert".equals(action.get("action")) && !attrs.containsKey(key))) {
                    attrs.put(key, value);
                }
            }
        }
        var connectors = (Map<String, Map<String, Object>>) cfg.getOrDefault("connectors", Map.of());
        var exporters = (Map<String, Map<String, Object>>) cfg.get("exporters");
        for (String id : p.get("exporters")) {
            if (connectors.containsKey(id) && !connectors.get(id).containsKey("table")) {
                // A connector that makes metrics of spans (spanmetrics): its output carries the span's resource
                // (add_resource_attributes), and goes on in every pipeline that receives from it.
                assertEquals(true, connectors.get(id).get("add_resource_attributes"), id + " must keep the resource's tenant");
                var pipelines = (Map<String, Map<String, List<String>>>) ((Map<String, Object>) cfg.get("service")).get("pipelines");
                for (var next : pipelines.entrySet()) {
                    if (next.getValue().get("receivers").contains(id)) run(cfg, plan, next.getKey(), new HashMap<>(attrs), request, seen);
                }
            } else if (connectors.containsKey(id)) {
                for (var route : (List<Map<String, Object>>) connectors.get(id).get("table")) {
                    var m = ROUTE.matcher((String) route.get("condition"));
                    assertTrue(m.matches(), "unexpected routing condition " + route);
                    if (m.group(1).equals(attrs.get("tracing.tenant"))) {
                        for (String next : (List<String>) route.get("pipelines")) run(cfg, plan, next, new HashMap<>(attrs), request, seen);
                    }
                }
            } else if (id.startsWith("loadbalancing")) {
                var sampler = (Map<String, Object>) Yaml.YAML.readValue(plan.samplerYaml().orElseThrow(), Map.class);
                run(sampler, plan, "traces/sample", new HashMap<>(attrs), request, seen);
            } else {
                var exporter = exporters.get(id);
                assertFalse(exporter.containsKey("auth"), id + ": the tenant header is static, never from context");
                seen.add(((Map<String, String>) exporter.get("headers")).get("X-Scope-OrgID"));
            }
        }
    }

    /**
     * The transform processor's resource statements: replace_pattern with Go's regexp semantics (Java's agree here),
     * keep_keys; those of the pipeline's signal only ({@code traces} or {@code metrics}), as the processor runs them.
     * Statements of other contexts (data points, metrics) may read the resource, never write it.
     */
    @SuppressWarnings("unchecked")
    static void transform(Map<String, Object> processor, Map<String, String> attrs, String signal) {
        String key = signal.equals("traces") ? "trace_statements" : signal.replaceAll("s$", "") + "_statements";
        for (var group : (List<Map<String, Object>>) processor.getOrDefault(key, List.of())) {
            for (String statement : (List<String>) group.get("statements")) {
                if (!"resource".equals(group.get("context"))) {
                    assertFalse(statement.contains("set(resource."), "only resource statements change the resource: " + statement);
                    continue;
                }
                var keep = KEEP_KEYS.matcher(statement);
                if (keep.matches()) {
                    var keys = Set.of(keep.group(1).replace("\"", "").split(", "));
                    attrs.keySet().removeIf(k -> !keys.contains(k));
                    continue;
                }
                var m = REPLACE_PATTERN.matcher(statement);
                assertTrue(m.matches(), "unexpected OTTL statement " + statement);
                assertEquals("propagate", processor.get("error_mode"), "a failing tenant statement must refuse, not pass data on");
                String value = attrs.get(m.group(1));
                if (value != null) {
                    attrs.put(m.group(1), Pattern.compile(unquote(m.group(2))).matcher(value).replaceAll(unquote(m.group(3))));
                }
            }
        }
    }

    /** An OTTL string literal's body, unquoted as OTTL does (Go string escapes). */
    static String unquote(String body) {
        return body.replace("\\\"", "\"").replace("\\\\", "\\");
    }

    static GatewayPlan plan(List<Tenant> tenants) {
        var inputs = Plans.inputs("prod");
        return GatewayPlan.of(inputs.settings(), tenants, inputs.today());
    }

    @Test
    void everyPairOfTenantsIsIsolated() throws Exception {
        var tenants = Plans.inputs("prod").tenants();
        var ids = tenants.stream().map(Tenant::id).toList();
        assertTrue(ids.size() >= 3, "several tenants: " + ids);
        var plan = plan(tenants);
        String htpasswd = GatewayCredentials.htpasswd(SEED, ids, GENERATION_1);
        for (String a : ids) {
            String passwordA = GatewayCredentials.password(SEED, a, 1);
            // A's credential authenticates as A only.
            for (String b : ids) {
                boolean ok = htpasswd.lines().toList().contains(b + ":{SHA}" + GatewayCredentials.sha1Base64(passwordA));
                assertEquals(a.equals(b), ok, "credential of " + a + " as user " + b);
                assertTrue(tenantsTempoSees(plan, htpasswd, new Request(b, passwordA, Map.of(), b)).isEmpty() || a.equals(b),
                        "A's password with B's user name is refused");
            }
            assertEquals(Set.of(a), tenantsTempoSees(plan, htpasswd, new Request(a, passwordA, Map.of(), a)), a + " lands as " + a);
            for (String b : ids) {
                if (a.equals(b)) continue;
                var spoof = new Request(a, passwordA, Map.of("X-Scope-OrgID", b), b);
                assertEquals(Set.of(a), tenantsTempoSees(plan, htpasswd, spoof),
                        a + "'s credential with X-Scope-OrgID: " + b + " and tracing.tenant=" + b + " must end up as " + a);
            }
        }
    }

    /**
     * During a rotation window both generations of every tenant authenticate and land as that tenant; neither lets a
     * tenant act for another, whatever user name it picks; after the window the previous generation is refused.
     */
    @Test
    void duringARotationWindowBothGenerationsLandAsTheirTenantAndNoOther() throws Exception {
        var tenants = Plans.inputs("prod").tenants();
        var ids = tenants.stream().map(Tenant::id).toList();
        var plan = plan(tenants);
        var until = java.time.LocalDate.of(2026, 12, 15);
        var open = new CredentialWindow(3, java.util.Optional.of(until), until);
        String htpasswd = GatewayCredentials.htpasswd(SEED, ids, open);
        for (String a : ids) {
            for (int g : List.of(3, 2)) {
                String password = GatewayCredentials.password(SEED, a, g);
                String user = GatewayCredentials.username(a, g);
                assertEquals(Set.of(a), tenantsTempoSees(plan, htpasswd, new Request(user, password, Map.of(), "x")),
                        user + " (generation " + g + ") lands as " + a);
                for (String b : ids) {
                    if (a.equals(b)) continue;
                    for (String other : List.of(b, b + "@3", b + "@2", b + "@1", a + "@3" + "@" + b)) {
                        assertTrue(tenantsTempoSees(plan, htpasswd, new Request(other, password, Map.of(), b)).isEmpty(),
                                a + "'s generation " + g + " password as user " + other + " must be refused");
                    }
                }
            }
            assertTrue(tenantsTempoSees(plan, htpasswd, new Request(a + "@1", GatewayCredentials.password(SEED, a, 1), Map.of(), a)).isEmpty(),
                    "generation 1 is two rotations old: refused");
        }
        var closed = new CredentialWindow(3, java.util.Optional.of(until), until.plusDays(1));
        String after = GatewayCredentials.htpasswd(SEED, ids, closed);
        for (String a : ids) {
            assertTrue(tenantsTempoSees(plan, after, new Request(a + "@2", GatewayCredentials.password(SEED, a, 2), Map.of(), a)).isEmpty(),
                    a + ": the previous generation is refused after the window");
            assertEquals(Set.of(a), tenantsTempoSees(plan, after, new Request(a + "@3", GatewayCredentials.password(SEED, a, 3), Map.of(), a)));
        }
    }

    @Test
    void everyUserNameInTheHtpasswdIsDistinctAndMapsToItsOwnTenant() {
        var ids = Plans.inputs("prod").tenants().stream().map(Tenant::id).toList();
        var open = new CredentialWindow(2, java.util.Optional.of(java.time.LocalDate.of(2026, 12, 15)), java.time.LocalDate.of(2026, 12, 1));
        var users = GatewayCredentials.htpasswd(SEED, ids, open).lines().map(l -> l.substring(0, l.indexOf(':'))).toList();
        assertEquals(2 * ids.size(), users.size(), "two generations per tenant: " + users);
        assertEquals(users.size(), new TreeSet<>(users).size(), "user names are distinct: " + users);
        for (String id : ids) {
            assertEquals(List.of(id + "@2", id), users.stream().filter(u -> GatewayPlan.tenantOf(u).equals(id)).toList(),
                    "exactly the two generations of " + id + " map to it");
        }
        assertEquals("payments@2x", GatewayPlan.tenantOf("payments@2x"), "only a trailing @<digits> is stripped");
        assertEquals("payments@", GatewayPlan.tenantOf("payments@"), "only a trailing @<digits> is stripped");
    }

    @Test
    void unauthenticatedRequestsAreRefused() throws Exception {
        var tenants = Plans.inputs("prod").tenants();
        var plan = plan(tenants);
        String htpasswd = GatewayCredentials.htpasswd(SEED, tenants.stream().map(Tenant::id).toList(), GENERATION_1);
        assertTrue(tenantsTempoSees(plan, htpasswd, new Request("payments", "guess", Map.of("X-Scope-OrgID", "payments"), "payments")).isEmpty());
        assertTrue(tenantsTempoSees(plan, htpasswd, new Request("", "", Map.of("X-Scope-OrgID", "payments"), "payments")).isEmpty());
        var receivers = Yaml.YAML.readTree(plan.gatewayYaml()).get("receivers").get("otlp").get("protocols");
        receivers.fields().forEachRemaining(e -> assertEquals("basicauth/tenants", e.getValue().at("/auth/authenticator").asText(),
                e.getKey() + " must authenticate"));
    }

    @TempDir java.nio.file.Path dir;

    @Test
    void anOffboardedTenantsCredentialNoLongerAuthenticates() throws Exception {
        var p = new TempProject(dir, true);
        java.nio.file.Files.delete(p.root.resolve("stacks/tenants/claims.yaml"));
        var inputs = App.load(p.layout, StackFiles.read(p.layout, "prod"));
        var plan = GatewayPlan.of(inputs.settings(), inputs.tenants(), inputs.today());
        assertFalse(plan.tenants().contains("claims"));
        String htpasswd = GatewayCredentials.htpasswd(SEED, plan.tenants(), GENERATION_1);
        var claims = new Request("claims", GatewayCredentials.password(SEED, "claims", 1), Map.of(), "claims");
        assertTrue(tenantsTempoSees(plan, htpasswd, claims).isEmpty(), "offboarded: refused");
        assertFalse(plan.gatewayYaml().contains("claims"), "no route or exporter left for claims");
    }

    @Test
    void rotationChangesEveryCredential() {
        for (String id : List.of("payments", "claims")) {
            assertFalse(GatewayCredentials.password(SEED, id, 1).equals(GatewayCredentials.password(SEED, id, 2)));
            assertEquals(GatewayCredentials.password(SEED, id, 1), GatewayCredentials.password(SEED, id, 1), "stable across runs");
        }
    }

    @Test
    void theTenantSecretHoldsTheSdkVariablesWithAWorkingHeader() {
        var env = GatewayCredentials.sdkEnvironment("http://otel-gateway.tracing.svc.cluster.local:4318", "payments", "s3cr3t",
                Plans.inputs("prod").settings().gateway());
        assertEquals("http/protobuf", env.get("OTEL_EXPORTER_OTLP_PROTOCOL"));
        String header = java.net.URLDecoder.decode(env.get("OTEL_EXPORTER_OTLP_HEADERS"), StandardCharsets.UTF_8);
        assertTrue(header.startsWith("Authorization=Basic "), header);
        String decoded = new String(Base64.getDecoder().decode(header.substring("Authorization=Basic ".length())), StandardCharsets.UTF_8);
        assertEquals("payments:s3cr3t", decoded);
        var g = Plans.inputs("prod").settings().gateway();
        var third = new io.tracingplatform.config.GatewaySettings(g.replicas(), g.maxReplicas(), g.samplerReplicas(),
                g.queueVolumeSize(), 3, g.previousCredentialUntil(), g.instrumentation(), g.ingressHost(), g.ingressClassName(),
                g.ingressTlsSecret(), g.cpu(), g.memory(), g.cpuLimit(), g.memoryLimit(), g.logsEndpoint(), g.metricsEndpoint());
        String later = java.net.URLDecoder.decode(GatewayCredentials.sdkEnvironment("http://g:4318", "payments", "s3cr3t", third)
                .get("OTEL_EXPORTER_OTLP_HEADERS"), StandardCharsets.UTF_8).substring("Authorization=Basic ".length());
        assertEquals("payments@3:s3cr3t", new String(Base64.getDecoder().decode(later), StandardCharsets.UTF_8),
                "from generation 2 on the user name carries the generation");
        assertFalse(env.get("OTEL_EXPORTER_OTLP_HEADERS").contains(" "), "percent-encoded: no raw space");
    }

    @Test
    @SuppressWarnings("unchecked")
    void tenantsGetASecretPerNamespaceAndInstrumentationWhereTheyAskForIt() {
        var plan = Plans.of("prod");
        for (var t : Plans.inputs("prod").tenants()) {
            String component = "platform-tenant-" + t.id();
            var children = plan.resources().stream().filter(r -> r.parent().equals(component)).toList();
            assertTrue(children.size() <= 2 * t.settings().namespaces().size(), t.id() + ": at most 2 per namespace: " + children);
            for (String ns : t.settings().namespaces()) {
                var secret = plan.named("kubernetes:core/v1:Secret", component + "-" + ns + "-gateway");
                assertEquals(ns, ((Map<String, Object>) secret.inputs().get("metadata")).get("namespace"));
                var inst = plan.named("kubernetes:opentelemetry.io/v1alpha1:Instrumentation", component + "-" + ns + "-instrumentation");
                var spec = (Map<String, Object>) inst.inputs().get("spec");
                assertEquals(List.of("tracecontext", "baggage"), spec.get("propagators"));
                assertEquals("parentbased_traceidratio", ((Map<String, Object>) spec.get("sampler")).get("type"));
                assertEquals(io.tracingplatform.config.ModelNumbers.fmt(t.settings().samplerRatio()), ((Map<String, Object>) spec.get("sampler")).get("argument"));
                assertTrue(Yaml.toYaml(spec).contains("secretKeyRef"), "the credential is referenced, never inlined");
            }
        }
        assertTrue(Plans.of("local").ofType("kubernetes:opentelemetry.io/v1alpha1:Instrumentation").isEmpty(), "no operator on local");
    }

}
