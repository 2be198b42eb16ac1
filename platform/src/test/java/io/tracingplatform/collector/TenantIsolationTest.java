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
 * (basicauth/htpasswd, resource processor upsert from auth.username, routing connector conditions, static exporter
 * headers, load-balancing to the sampling tier), never let one tenant's credential act for another.
 */
class TenantIsolationTest {
    static final String SEED = "isolation-test-seed";
    static final Pattern ROUTE = Pattern.compile("attributes\\[\"tracing\\.tenant\"\\] == \"([^\"]+)\"");

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
            if (connectors.containsKey(id)) {
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

    static GatewayPlan plan(List<Tenant> tenants) {
        var inputs = Plans.inputs("prod");
        return GatewayPlan.of(inputs.settings(), tenants);
    }

    @Test
    void everyPairOfTenantsIsIsolated() throws Exception {
        var tenants = Plans.inputs("prod").tenants();
        var ids = tenants.stream().map(Tenant::id).toList();
        assertTrue(ids.size() >= 3, "several tenants: " + ids);
        var plan = plan(tenants);
        String htpasswd = GatewayCredentials.htpasswd(SEED, ids, 1);
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

    @Test
    void unauthenticatedRequestsAreRefused() throws Exception {
        var tenants = Plans.inputs("prod").tenants();
        var plan = plan(tenants);
        String htpasswd = GatewayCredentials.htpasswd(SEED, tenants.stream().map(Tenant::id).toList(), 1);
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
        var plan = GatewayPlan.of(inputs.settings(), inputs.tenants());
        assertFalse(plan.tenants().contains("claims"));
        String htpasswd = GatewayCredentials.htpasswd(SEED, plan.tenants(), 1);
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
