package io.tracingplatform.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pulumi.core.Output;
import io.tracingplatform.App;
import io.tracingplatform.PlatformInputs;
import io.tracingplatform.Plans;
import io.tracingplatform.config.RawConfig;
import io.tracingplatform.config.Secret;
import io.tracingplatform.config.StackFiles;
import io.tracingplatform.offline.OfflineEngine;
import io.tracingplatform.offline.Plan;
import io.tracingplatform.tenants.Tenant;
import io.tracingplatform.yaml.Yaml;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Credential rotation on the mock engine: what the gateway's htpasswd Secret holds inside and outside a rotation
 * window, that the gateway pods roll whenever it changes, and what the stack output says (user names, never secrets).
 */
class CredentialRotationTest {
    static final String STACK = "dev";
    static final LocalDate UNTIL = LocalDate.of(2026, 12, 15);
    static final String HTPASSWD = "platform-gateway-htpasswd";
    static final String GATEWAY = "platform-gateway-gateway";

    /** The dev stack with the given gateway settings and seed, planned for the given day. */
    static PlatformInputs inputs(String seed, Map<String, Object> gateway, LocalDate today) {
        var raw = StackFiles.read(Plans.LAYOUT, STACK);
        var values = new LinkedHashMap<>(raw.values());
        values.put("gateway", gateway);
        values.put("credentialSeed", Secret.fromEngine("tracing-platform:credentialSeed", () -> Output.ofSecret(seed)));
        return App.load(Plans.LAYOUT, new RawConfig(raw.stack(), raw.file(), values, raw.document(), raw.offline()), today);
    }

    private static final Map<String, Plan> PLANS = new java.util.concurrent.ConcurrentHashMap<>();

    /** The mock-engine plan of the dev stack at a generation with a window through UNTIL, once per test JVM (2 s each). */
    static Plan plan(String seed, int generation, LocalDate today) {
        return PLANS.computeIfAbsent(seed + "/" + generation + "/" + today,
                k -> OfflineEngine.plan(inputs(seed, rotated(generation), today)));
    }

    /** The htpasswd the gateway gets (pure: the same function GatewayCluster applies to the plan's window). */
    static String htpasswd(String seed, Map<String, Object> gateway, LocalDate today) {
        var in = inputs(seed, gateway, today);
        var plan = GatewayPlan.of(in.settings(), in.tenants(), in.today());
        return GatewayCredentials.htpasswd(seed, plan.tenants(), plan.credentials());
    }

    static Map<String, Object> rotated(int generation) {
        return Map.of("credentialGeneration", (long) generation, "previousCredentialUntil", UNTIL.toString());
    }

    @SuppressWarnings("unchecked")
    static String htpasswd(Plan plan) {
        return ((Map<String, String>) plan.named("kubernetes:core/v1:Secret", HTPASSWD).inputs().get("stringData")).get("htpasswd");
    }

    @SuppressWarnings("unchecked")
    static String rollKey(Plan plan) {
        var spec = (Map<String, Object>) plan.named("kubernetes:apps/v1:StatefulSet", GATEWAY).inputs().get("spec");
        var template = (Map<String, Object>) ((Map<String, Object>) spec.get("template")).get("metadata");
        return ((Map<String, String>) template.get("annotations")).get("tracing-platform.io/config-hash");
    }

    @SuppressWarnings("unchecked")
    static String gatewayConfig(Plan plan) {
        return ((Map<String, String>) plan.named("kubernetes:core/v1:ConfigMap", "platform-gateway-gateway-config").inputs()
                .get("data")).get("collector.yaml");
    }

    static List<String> users(String htpasswd) {
        return htpasswd.lines().map(l -> l.substring(0, l.indexOf(':'))).toList();
    }

    @Test
    void theHtpasswdHoldsBothGenerationsThroughTheWindowsLastDayAndOnlyTheNewOneAfter() {
        var ids = inputs("s", rotated(3), UNTIL).tenants().stream().map(Tenant::id).toList();
        var both = ids.stream().flatMap(id -> java.util.stream.Stream.of(id + "@3", id + "@2")).toList();
        var onlyNew = ids.stream().map(id -> id + "@3").toList();
        // On the mock engine: the Secret's content.
        var last = plan("s", 3, UNTIL);
        assertEquals(both, users(htpasswd(last)), "the window's last day is included: both generations");
        assertTrue(htpasswd(last).contains(GatewayCredentials.sha1Base64(GatewayCredentials.password("s", ids.get(0), 2))),
                "the previous generation's password hash");
        assertEquals(onlyNew, users(htpasswd(plan("s", 3, UNTIL.plusDays(1)))), "the day after the window: the new generation only");
        // The same function, for the other cases.
        assertEquals(both, users(htpasswd("s", rotated(3), UNTIL.minusDays(30))), "a month before the end: both");
        assertEquals(onlyNew, users(htpasswd("s", Map.of("credentialGeneration", 3L), UNTIL)), "no window set: the current generation only");
        assertEquals(ids, users(htpasswd("s", Map.of(), UNTIL)), "generation 1: the bare tenant id, as before rotation windows existed");
        assertEquals(ids.stream().flatMap(id -> java.util.stream.Stream.of(id + "@2", id)).toList(), users(htpasswd("s", rotated(2), UNTIL)),
                "generation 2 in its window: the new name and generation 1's bare id");
    }

    @Test
    void theGatewayRollsWhenTheSeedOrTheWindowChanges() {
        var a = plan("seed-a", 2, UNTIL);
        var b = plan("seed-b", 2, UNTIL);
        var closed = plan("seed-a", 2, UNTIL.plusDays(1));
        assertEquals(io.tracingplatform.k8s.Monitoring.configHash(gatewayConfig(a) + "|" + htpasswd(a)), rollKey(a),
                "the pods' annotation is the digest of the config and the htpasswd");
        assertNotEquals(rollKey(a), rollKey(b), "a new seed changes every password: basicauth reads the file only at start, the pods must roll");
        assertNotEquals(rollKey(a), rollKey(closed), "the window closing removes credentials: the pods must roll");
        assertEquals(gatewayConfig(a), gatewayConfig(b), "the config itself is the same: the roll comes from the htpasswd digest");
        assertEquals(gatewayConfig(a), gatewayConfig(closed), "a window changes the htpasswd only, never the config");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theStackOutputListsUserNamesAndTheWindowsEndButNoSecret() {
        var inputs = inputs("seed-a", rotated(2), UNTIL);
        var plan = plan("seed-a", 2, UNTIL);
        var out = (Map<String, Object>) plan.outputs().get("gatewayCredentials");
        assertEquals(UNTIL.toString(), out.get("previousCredentialUntil"), "the window's last day: " + out);
        assertEquals(Boolean.TRUE, out.get("previousGenerationAccepted"), out.toString());
        var usernames = (Map<String, List<String>>) out.get("usernames");
        for (var t : inputs.tenants()) assertEquals(List.of(t.id() + "@2", t.id()), usernames.get(t.id()), t.id());
        String text = Yaml.toYaml(plan.outputs());
        for (var t : inputs.tenants()) {
            for (int g : List.of(1, 2)) {
                assertFalse(text.contains(GatewayCredentials.password("seed-a", t.id(), g)), "no password in the outputs");
            }
        }
        var after = (Map<String, Object>) plan("seed-a", 2, UNTIL.plusDays(1)).outputs().get("gatewayCredentials");
        assertEquals(Boolean.FALSE, after.get("previousGenerationAccepted"), after.toString());
        assertEquals(List.of(inputs.tenants().get(0).id() + "@2"), ((Map<String, List<String>>) after.get("usernames")).get(inputs.tenants().get(0).id()));
    }

    @Test
    void theWindowIsInclusiveOfItsLastDayInUtc() {
        var w = new CredentialWindow(4, java.util.Optional.of(UNTIL), UNTIL);
        assertEquals(List.of(4, 3), w.accepted());
        assertEquals(List.of(4), new CredentialWindow(4, java.util.Optional.of(UNTIL), UNTIL.plusDays(1)).accepted());
        assertEquals(List.of(4), new CredentialWindow(4, java.util.Optional.empty(), UNTIL).accepted());
    }
}
