package io.tracingplatform.k8s;

import com.pulumi.kubernetes.meta.v1.inputs.LabelSelectorArgs;
import com.pulumi.kubernetes.meta.v1.inputs.LabelSelectorRequirementArgs;
import com.pulumi.kubernetes.meta.v1.inputs.ObjectMetaArgs;
import com.pulumi.kubernetes.networking.v1.NetworkPolicy;
import com.pulumi.kubernetes.networking.v1.NetworkPolicyArgs;
import com.pulumi.kubernetes.networking.v1.inputs.NetworkPolicyIngressRuleArgs;
import com.pulumi.kubernetes.networking.v1.inputs.NetworkPolicyPeerArgs;
import com.pulumi.kubernetes.networking.v1.inputs.NetworkPolicyPortArgs;
import com.pulumi.kubernetes.networking.v1.inputs.NetworkPolicySpecArgs;
import com.pulumi.resources.CustomResourceOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The one way the platform writes a NetworkPolicy: ingress only, for the pods of one selector, as a list of rules
 * "these TCP ports from these peers". Kubernetes semantics (networking.k8s.io/v1): a pod selected by any Ingress
 * policy accepts only what some rule of some such policy allows (the kubelet's probes, from the pod's own node,
 * always pass); a rule without ports admits every port, a rule without peers every source.
 */
public final class NetworkPolicies {
    /** The label the API server sets on every namespace (Kubernetes >= 1.22): selects namespaces by name. */
    public static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

    private NetworkPolicies() {}

    /** Who may connect. */
    public sealed interface Peer permits Pods, Namespaces {}

    /** The pods of the policy's own namespace that carry all these labels. */
    public record Pods(Map<String, String> labels) implements Peer {
        public Pods {
            labels = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(labels)); // sorted: stable output
        }
    }

    /**
     * The pods of these namespaces that carry all {@code podLabels}; no labels: every pod of them. None named is no peer
     * at all (never "any namespace"). Written as ONE peer with both selectors, which Kubernetes reads as an AND; as two
     * peers they would add up (every pod of the namespaces, plus the labelled pods of the policy's own namespace).
     */
    public record Namespaces(List<String> names, Map<String, String> podLabels) implements Peer {
        public Namespaces {
            names = List.copyOf(names);
            podLabels = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(podLabels)); // sorted: stable output
        }
    }

    public static Peer pods(Map<String, String> labels) {
        return new Pods(labels);
    }

    /** Every pod of these namespaces. */
    public static Peer namespaces(List<String> names) {
        return new Namespaces(names, Map.of());
    }

    /** The pods of these namespaces that carry all {@code podLabels} (none: every pod). */
    public static Peer namespaces(List<String> names, Map<String, String> podLabels) {
        return new Namespaces(names, podLabels);
    }

    /**
     * Ports from peers.
     *
     * @param fromAnywhere admits every source (then {@code from} is empty)
     * @param from the peers; where all of them are empty (no namespace named) the rule admits nobody and is left out
     * @param ports TCP ports; empty: every port
     */
    public record Rule(boolean fromAnywhere, List<Peer> from, List<Integer> ports) {
        public Rule {
            from = List.copyOf(from);
            ports = List.copyOf(ports);
            if (fromAnywhere && !from.isEmpty()) throw new IllegalArgumentException("a rule from anywhere names no peers");
        }

        /** {@code ports} (none: every port) from {@code peers}. */
        public static Rule from(List<Peer> peers, Integer... ports) {
            return new Rule(false, peers, Arrays.asList(ports));
        }

        /** {@code ports} from every source, inside the cluster or not. */
        public static Rule fromAnywhere(Integer... ports) {
            return new Rule(true, List.of(), Arrays.asList(ports));
        }
    }

    /** The spec: only {@code rules} reach the pods of {@code selected}. */
    public static NetworkPolicySpecArgs ingressOnly(Map<String, String> selected, List<Rule> rules) {
        var ingress = new ArrayList<NetworkPolicyIngressRuleArgs>();
        for (Rule rule : rules) {
            var peers = new ArrayList<NetworkPolicyPeerArgs>();
            for (Peer peer : rule.from()) {
                if (peer instanceof Pods p) {
                    peers.add(NetworkPolicyPeerArgs.builder().podSelector(LabelSelectorArgs.builder().matchLabels(p.labels()).build()).build());
                } else if (peer instanceof Namespaces n && !n.names().isEmpty()) {
                    // matchExpressions In, not matchLabels: one peer for any number of namespaces. An empty In list is
                    // refused by the API server, and no peer would turn the rule into "from anywhere": hence the check.
                    var both = NetworkPolicyPeerArgs.builder().namespaceSelector(LabelSelectorArgs.builder()
                            .matchExpressions(LabelSelectorRequirementArgs.builder().key(NAMESPACE_NAME_LABEL)
                                    .operator("In").values(n.names()).build()).build());
                    if (!n.podLabels().isEmpty()) both.podSelector(LabelSelectorArgs.builder().matchLabels(n.podLabels()).build());
                    peers.add(both.build());
                }
            }
            if (!rule.fromAnywhere() && peers.isEmpty()) continue; // admits nobody
            var args = NetworkPolicyIngressRuleArgs.builder();
            if (!rule.fromAnywhere()) args.from(peers);
            if (!rule.ports().isEmpty()) {
                args.ports(rule.ports().stream()
                        .map(port -> NetworkPolicyPortArgs.builder().port(port).protocol("TCP").build()).toList());
            }
            ingress.add(args.build());
        }
        return NetworkPolicySpecArgs.builder()
                .podSelector(LabelSelectorArgs.builder().matchLabels(selected).build())
                .policyTypes("Ingress")
                .ingress(ingress)
                .build();
    }

    /** The NetworkPolicy object: {@link #ingressOnly} under {@code metadata}. */
    public static NetworkPolicy create(String logicalName, ObjectMetaArgs metadata, Map<String, String> selected,
                                       List<Rule> rules, CustomResourceOptions opts) {
        return new NetworkPolicy(logicalName, NetworkPolicyArgs.builder().metadata(metadata)
                .spec(ingressOnly(selected, rules)).build(), opts);
    }
}
