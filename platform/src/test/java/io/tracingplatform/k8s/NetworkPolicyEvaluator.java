package io.tracingplatform.k8s;

import io.tracingplatform.offline.Plan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which pod may open a TCP connection to which port of which pod, by the ingress semantics of Kubernetes
 * NetworkPolicy (networking.k8s.io/v1), judged on the objects of a plan or render:
 * <ul>
 * <li>a pod that no policy of type Ingress selects accepts everything;</li>
 * <li>a selected pod accepts a connection only if some rule of some selecting policy admits it (policies add up);</li>
 * <li>a rule admits a source if it has no {@code from} or one peer matches it, and a port if it has no {@code ports}
 *     or one entry matches it (number, number range with endPort, or the name of a container port of the target);</li>
 * <li>a peer's {@code podSelector} alone picks pods of the policy's own namespace; {@code namespaceSelector} picks
 *     namespaces by their labels, {@code kubernetes.io/metadata.name} included; both in one peer: those pods in those
 *     namespaces (an AND; as two peers they would add up).</li>
 * </ul>
 * What it does not know it refuses loudly rather than guess: Egress policies, ipBlock peers; an empty peer {@code {}},
 * which the API server refuses, throws too. Traffic from a pod's own
 * node (kubelet probes) is always allowed by Kubernetes and not modelled.
 */
public final class NetworkPolicyEvaluator {
    /** A pod: its namespace, labels and named container ports. */
    public record Pod(String name, String namespace, Map<String, String> labels, Map<String, Integer> ports) {
        @Override
        public String toString() {
            return namespace + "/" + name;
        }
    }

    private static final String NAME_LABEL = "kubernetes.io/metadata.name";
    private final List<Map<String, Object>> policies = new ArrayList<>();
    private final Map<String, Map<String, String>> namespaceLabels = new TreeMap<>();
    private final Map<String, Pod> workloads = new LinkedHashMap<>();

    /** From Kubernetes objects as maps (plan inputs, or parsed YAML). */
    public static NetworkPolicyEvaluator of(List<Map<String, Object>> objects) {
        var e = new NetworkPolicyEvaluator();
        for (var o : objects) e.add(o);
        return e;
    }

    /** From every Kubernetes object of an offline plan. */
    public static NetworkPolicyEvaluator of(Plan plan) {
        return of(plan.resources().stream().filter(Plan.PlannedResource::isKubernetesObject).map(Plan.PlannedResource::inputs).toList());
    }

    private void add(Map<String, Object> o) {
        String kind = String.valueOf(o.get("kind"));
        Map<String, Object> meta = map(o.get("metadata"));
        String name = String.valueOf(meta.get("name"));
        String ns = String.valueOf(meta.getOrDefault("namespace", "default"));
        switch (kind) {
            case "NetworkPolicy" -> policies.add(o);
            case "Namespace" -> namespaceLabels.put(name, strings(meta.get("labels")));
            case "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob" -> {
                Map<String, Object> spec = map(o.get("spec"));
                if (kind.equals("CronJob")) spec = map(map(spec.get("jobTemplate")).get("spec"));
                Map<String, Object> template = map(spec.get("template"));
                var ports = new TreeMap<String, Integer>();
                for (Object c : list(map(template.get("spec")).get("containers"))) {
                    for (Object p : list(map(c).get("ports"))) {
                        Object portName = map(p).get("name");
                        if (portName != null) ports.put(String.valueOf(portName), number(map(p).get("containerPort")));
                    }
                }
                workloads.put(name, new Pod(name, ns, strings(map(template.get("metadata")).get("labels")), ports));
            }
            default -> { }
        }
    }

    /** The pod of the workload (Deployment, StatefulSet, ...) named {@code name}. */
    public Pod pod(String name) {
        var p = workloads.get(name);
        if (p == null) throw new AssertionError("no workload " + name + "; known: " + workloads.keySet());
        return p;
    }

    public List<Pod> pods() {
        return List.copyOf(workloads.values());
    }

    /** A pod with these labels in {@code namespace} (a team's pod, a monitoring pod, one copying labels). */
    public static Pod podIn(String namespace, Map<String, String> labels) {
        return new Pod(labels.getOrDefault(Labels.COMPONENT, "pod"), namespace, Map.copyOf(labels), Map.of());
    }

    /** Any pod in {@code namespace} that the platform did not make. */
    public static Pod stranger(String namespace) {
        return new Pod("stranger", namespace, Map.of("app", "stranger"), Map.of());
    }

    /** The policies of type Ingress that select {@code pod}. */
    public List<String> selecting(Pod pod) {
        var out = new ArrayList<String>();
        for (var p : policies) if (selects(p, pod)) out.add(name(p));
        return out;
    }

    public boolean allows(Pod from, Pod to, int port) {
        boolean selected = false;
        for (var policy : policies) {
            if (!selects(policy, to)) continue;
            selected = true;
            String policyNs = namespace(policy);
            for (Object r : list(map(policy.get("spec")).get("ingress"))) {
                Map<String, Object> rule = map(r);
                if (admitsSource(rule, policyNs, from) && admitsPort(rule, to, port)) return true;
            }
        }
        return !selected;
    }

    /** For assertion messages: the verdict and the policies that decided it. */
    public String explain(Pod from, Pod to, int port) {
        var selecting = selecting(to);
        return from + " -> " + to + ":" + port + " " + (allows(from, to, port) ? "allowed" : "denied") + " ("
                + (selecting.isEmpty() ? "no policy selects " + to : "selected by " + selecting) + ")";
    }

    private boolean selects(Map<String, Object> policy, Pod pod) {
        Map<String, Object> spec = map(policy.get("spec"));
        var types = list(spec.get("policyTypes"));
        if (types.contains("Egress") || spec.containsKey("egress")) {
            throw new UnsupportedOperationException(name(policy) + ": Egress policies are not modelled; extend the evaluator");
        }
        boolean ingress = types.isEmpty() || types.contains("Ingress");
        return ingress && namespace(policy).equals(pod.namespace()) && matches(map(spec.get("podSelector")), pod.labels());
    }

    private boolean admitsSource(Map<String, Object> rule, String policyNs, Pod from) {
        var peers = list(rule.get("from"));
        if (peers.isEmpty()) return true;
        for (Object p : peers) {
            Map<String, Object> peer = map(p);
            if (peer.containsKey("ipBlock")) throw new UnsupportedOperationException("ipBlock peers: pods have no IPs here");
            boolean hasPods = peer.containsKey("podSelector");
            boolean hasNamespaces = peer.containsKey("namespaceSelector");
            if (!hasPods && !hasNamespaces) {
                // The API server refuses it ("must specify a peer", ValidateNetworkPolicyPeer); reading it as "every pod
                // of the namespace" would let a generator that drops both selectors pass.
                throw new IllegalArgumentException("an empty peer {} in " + rule + ": the API server refuses it");
            }
            // Both in one peer: those pods (podSelector) of those namespaces (namespaceSelector), an AND; podSelector
            // alone: of the policy's own namespace; namespaceSelector alone: every pod of those namespaces.
            boolean nsOk = hasNamespaces ? matches(map(peer.get("namespaceSelector")), labelsOfNamespace(from.namespace()))
                    : from.namespace().equals(policyNs);
            boolean podOk = !hasPods || matches(map(peer.get("podSelector")), from.labels());
            if (nsOk && podOk) return true;
        }
        return false;
    }

    private static boolean admitsPort(Map<String, Object> rule, Pod to, int port) {
        var ports = list(rule.get("ports"));
        if (ports.isEmpty()) return true;
        for (Object e : ports) {
            Map<String, Object> entry = map(e);
            if (!String.valueOf(entry.getOrDefault("protocol", "TCP")).equals("TCP")) continue;
            Object p = entry.get("port");
            if (p == null) return true;
            if (p instanceof String s && !s.matches("\\d+")) {
                if (Integer.valueOf(port).equals(to.ports().get(s))) return true;
                continue;
            }
            int from = number(p);
            int end = entry.containsKey("endPort") ? number(entry.get("endPort")) : from;
            if (port >= from && port <= end) return true;
        }
        return false;
    }

    private Map<String, String> labelsOfNamespace(String ns) {
        var labels = new TreeMap<>(namespaceLabels.getOrDefault(ns, Map.of()));
        labels.put(NAME_LABEL, ns); // set by the API server on every namespace
        return labels;
    }

    /** A label selector: matchLabels all equal, matchExpressions all hold; an empty selector matches everything. */
    static boolean matches(Map<String, Object> selector, Map<String, String> labels) {
        for (var e : strings(selector.get("matchLabels")).entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) return false;
        }
        for (Object x : list(selector.get("matchExpressions"))) {
            Map<String, Object> req = map(x);
            String key = String.valueOf(req.get("key"));
            var values = list(req.get("values")).stream().map(String::valueOf).toList();
            boolean ok = switch (String.valueOf(req.get("operator"))) {
                case "In" -> labels.containsKey(key) && values.contains(labels.get(key));
                case "NotIn" -> !labels.containsKey(key) || !values.contains(labels.get(key));
                case "Exists" -> labels.containsKey(key);
                case "DoesNotExist" -> !labels.containsKey(key);
                default -> throw new IllegalArgumentException("unknown selector operator " + req.get("operator"));
            };
            if (!ok) return false;
        }
        return true;
    }

    private static String name(Map<String, Object> o) {
        return namespace(o) + "/" + map(o.get("metadata")).get("name");
    }

    private static String namespace(Map<String, Object> o) {
        return String.valueOf(map(o.get("metadata")).getOrDefault("namespace", "default"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static List<?> list(Object o) {
        return o instanceof List<?> l ? l : List.of();
    }

    private static Map<String, String> strings(Object o) {
        var out = new TreeMap<String, String>();
        map(o).forEach((k, v) -> out.put(k, String.valueOf(v)));
        return out;
    }

    /** Plan inputs carry numbers as doubles (3200.0), YAML as integers, ports as strings at times. */
    private static int number(Object o) {
        return o instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(o));
    }
}
