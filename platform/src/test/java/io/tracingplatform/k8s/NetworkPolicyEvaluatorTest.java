package io.tracingplatform.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import io.tracingplatform.k8s.NetworkPolicyEvaluator.Pod;
import io.tracingplatform.yaml.Yaml;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The evaluator itself, on hand-written objects, against the semantics of the Kubernetes documentation (Concepts,
 * Network Policies): deny by default once selected, policies add up, podSelector peers stay in the policy's namespace.
 */
class NetworkPolicyEvaluatorTest {
    static final String WEB = workload("Deployment", "web", "[{name: http, containerPort: 8080}, {name: admin, containerPort: 9000}]");
    static final String DB = workload("StatefulSet", "db", "[{name: sql, containerPort: 5432}]");

    /** A workload in namespace shop whose pods carry {@code app: <name>}. */
    static String workload(String kind, String name, String ports) {
        return """
                kind: %1$s
                metadata: {name: %2$s, namespace: shop}
                spec:
                  template:
                    metadata: {labels: {app: %2$s}}
                    spec: {containers: [{name: %2$s, ports: %3$s}]}
                """.formatted(kind, name, ports);
    }

    static final String MONITORING = """
            kind: Namespace
            metadata: {name: monitoring, labels: {purpose: monitoring}}
            """;

    static NetworkPolicyEvaluator of(String... yamls) throws Exception {
        var objects = new ArrayList<Map<String, Object>>();
        for (String y : yamls) objects.add(Yaml.YAML.readValue(y, new TypeReference<Map<String, Object>>() {}));
        return NetworkPolicyEvaluator.of(objects);
    }

    static String policy(String spec) {
        return "kind: NetworkPolicy\nmetadata: {name: p" + spec.hashCode() + ", namespace: shop}\nspec:\n" + spec.indent(2);
    }

    final Pod client = NetworkPolicyEvaluator.podIn("shop", Map.of("app", "client"));

    @Test
    void aPodNoPolicySelectsAcceptsEverything() throws Exception {
        var e = of(WEB, DB, policy("podSelector: {matchLabels: {app: db}}\npolicyTypes: [Ingress]"));
        assertTrue(e.allows(NetworkPolicyEvaluator.stranger("elsewhere"), e.pod("web"), 8080));
        assertFalse(e.allows(e.pod("web"), e.pod("db"), 5432), "db is selected by a policy without rules: nothing passes");
    }

    @Test
    void policiesAddUpAndARuleWithoutPortsOrPeersAdmitsAllOfThem() throws Exception {
        var e = of(WEB, DB,
                policy("podSelector: {matchLabels: {app: db}}\ningress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]"),
                policy("podSelector: {matchLabels: {app: db}}\ningress: [{ports: [{port: 9187}]}]"));
        assertTrue(e.allows(e.pod("web"), e.pod("db"), 5432), "first policy: every port from web");
        assertTrue(e.allows(e.pod("web"), e.pod("db"), 1), "first policy: every port from web");
        assertTrue(e.allows(client, e.pod("db"), 9187), "second policy: 9187 from anywhere");
        assertFalse(e.allows(client, e.pod("db"), 5432), "neither admits a client on 5432");
    }

    @Test
    void aPodSelectorPeerPicksPodsOfThePolicysNamespaceOnly() throws Exception {
        var e = of(WEB, DB, policy("podSelector: {matchLabels: {app: db}}\ningress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: 5432, protocol: TCP}]}]"));
        assertTrue(e.allows(e.pod("web"), e.pod("db"), 5432));
        assertFalse(e.allows(NetworkPolicyEvaluator.podIn("other", Map.of("app", "web")), e.pod("db"), 5432),
                "the same labels in another namespace are another pod");
        assertFalse(e.allows(e.pod("web"), e.pod("db"), 5433));
    }

    @Test
    void namespaceSelectorsMatchNamespaceLabelsAndTheNameLabel() throws Exception {
        var e = of(WEB, MONITORING, policy("""
                podSelector: {matchLabels: {app: web}}
                ingress:
                  - from: [{namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: In, values: [ingress]}]}}]
                    ports: [{port: http}]
                  - from: [{namespaceSelector: {matchLabels: {purpose: monitoring}}, podSelector: {matchLabels: {app: prometheus}}}]
                    ports: [{port: 9000, endPort: 9100}]
                """));
        var web = e.pod("web");
        assertTrue(e.allows(NetworkPolicyEvaluator.stranger("ingress"), web, 8080), "named port http is 8080");
        assertFalse(e.allows(NetworkPolicyEvaluator.stranger("ingress"), web, 9000));
        assertFalse(e.allows(client, web, 8080), "the policy's own namespace is not listed");
        assertTrue(e.allows(NetworkPolicyEvaluator.podIn("monitoring", Map.of("app", "prometheus")), web, 9050), "in the range");
        assertFalse(e.allows(NetworkPolicyEvaluator.stranger("monitoring"), web, 9000), "both selectors must match");
    }

    @Test
    void aPeerWithBothSelectorsAdmitsOnlyThosePodsOfThoseNamespaces() throws Exception {
        var e = of(WEB, policy("""
                podSelector: {matchLabels: {app: web}}
                ingress:
                  - from:
                      - namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: In, values: [monitoring]}]}
                        podSelector: {matchLabels: {app.kubernetes.io/name: prometheus}}
                    ports: [{port: 9000}]
                """));
        var prometheus = Map.of("app.kubernetes.io/name", "prometheus");
        var web = e.pod("web");
        assertTrue(e.allows(NetworkPolicyEvaluator.podIn("monitoring", prometheus), web, 9000), "both match");
        assertFalse(e.allows(NetworkPolicyEvaluator.stranger("monitoring"), web, 9000), "the namespace alone is not enough");
        assertFalse(e.allows(NetworkPolicyEvaluator.podIn("payments", prometheus), web, 9000), "the labels alone are not enough");
        assertFalse(e.allows(NetworkPolicyEvaluator.podIn("shop", prometheus), web, 9000),
                "with a namespaceSelector the policy's own namespace is not implied");
    }

    @Test
    void anEmptyPeerIsRefusedAsTheApiServerRefusesIt() throws Exception {
        // networking/validation ValidateNetworkPolicyPeer: "must specify a peer". Read as "every pod of the namespace" it
        // would let a generator bug that drops both selectors pass every test.
        var e = of(WEB, policy("podSelector: {matchLabels: {app: web}}\ningress: [{from: [{}], ports: [{port: 8080}]}]"));
        var thrown = assertThrows(IllegalArgumentException.class, () -> e.allows(client, e.pod("web"), 8080));
        assertTrue(thrown.getMessage().contains("empty peer"), thrown.getMessage());
    }

    @Test
    void selectorOperatorsAndTheEmptySelector() {
        Map<String, Object> notIn = Map.of("matchExpressions", List.of(Map.of("key", "tier", "operator", "NotIn", "values", List.of("db"))));
        assertTrue(NetworkPolicyEvaluator.matches(notIn, Map.of("app", "x")), "NotIn holds where the label is absent");
        assertFalse(NetworkPolicyEvaluator.matches(notIn, Map.of("tier", "db")));
        assertTrue(NetworkPolicyEvaluator.matches(Map.of("matchExpressions", List.of(Map.of("key", "a", "operator", "Exists"))), Map.of("a", "")));
        assertTrue(NetworkPolicyEvaluator.matches(Map.of(), Map.of("any", "thing")), "{} selects every pod");
    }

    @Test
    void whatItDoesNotModelItRefuses() throws Exception {
        var egress = of(WEB, policy("podSelector: {}\npolicyTypes: [Ingress, Egress]"));
        assertThrows(UnsupportedOperationException.class, () -> egress.allows(client, egress.pod("web"), 8080));
        var ipBlock = of(WEB, policy("podSelector: {}\ningress: [{from: [{ipBlock: {cidr: 10.0.0.0/8}}]}]"));
        assertThrows(UnsupportedOperationException.class, () -> ipBlock.allows(client, ipBlock.pod("web"), 8080));
        assertEquals(List.of(), of(WEB).selecting(of(WEB).pod("web")));
    }
}
