package io.tracingplatform.upgrade;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import io.tracingplatform.offline.Plan;
import io.tracingplatform.release.Release;
import io.tracingplatform.release.ReleaseCatalog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Compares the offline plans of one stack at two releases: image changes, generated config diffs, the catalog
 * rules the upgrade crosses (checked on the target's generated configs), the rollout order, and every resource
 * the real engine would replace, with stateful replacements as blockers. Pure: plans in, a report out.
 */
public final class UpgradePlanner {
    /**
     * Replacement-causing fields per type ("*" = any change under it), as the providers treat them: Kubernetes
     * immutable fields (API reference: StatefulSet selector, serviceName, volumeClaimTemplates,
     * podManagementPolicy; Deployment selector; Service clusterIP; Job template and selector; PVC spec except
     * storage requests), AWS forceNew arguments (BucketV2 bucket; KMS Key usage and spec; IAM Role name).
     */
    static final Map<String, List<String>> IMMUTABLE = Map.of(
            "kubernetes:apps/v1:StatefulSet", List.of("spec.selector", "spec.serviceName", "spec.volumeClaimTemplates", "spec.podManagementPolicy"),
            "kubernetes:apps/v1:Deployment", List.of("spec.selector"),
            "kubernetes:core/v1:Service", List.of("spec.clusterIP"),
            "kubernetes:batch/v1:Job", List.of("spec.template", "spec.selector", "spec.completions"),
            "kubernetes:core/v1:PersistentVolumeClaim", List.of("spec.accessModes", "spec.storageClassName", "spec.volumeName", "spec.selector"),
            "aws:s3/bucketV2:BucketV2", List.of("bucket", "bucketPrefix"),
            "aws:kms/key:Key", List.of("keyUsage", "customerMasterKeySpec"),
            "aws:iam/role:Role", List.of("name"));

    /** Tempo and collector guidance turned into one order; a stage appears only when its workloads change. */
    static final List<Stage> ORDER = List.of(
            new Stage(0, "Tempo queriers", List.of("platform-tempo-querier"),
                    "none: queries retry on the other queriers while pods roll"),
            new Stage(0, "Tempo query-frontend", List.of("platform-tempo-query-frontend"),
                    "queries in flight on a restarting pod fail once; Grafana retries"),
            new Stage(0, "Tempo compactor", List.of("platform-tempo-compactor"),
                    "none: compaction and retention pause while it restarts"),
            new Stage(0, "Tempo ingesters, one pod at a time", List.of("platform-tempo-ingester",
                    "platform-tempo-ingester-zone-a", "platform-tempo-ingester-zone-b", "platform-tempo-ingester-zone-c",
                    "platform-tempo-ingester-zone-d", "platform-tempo-ingester-zone-e"),
                    "none with replication factor 3: each pod writes its in-memory traces to the WAL on its volume and "
                            + "replays it when it starts again (nothing is flushed to the bucket on a restart)"),
            new Stage(0, "Tempo metrics-generator", List.of("platform-tempo-metrics-generator"),
                    "a gap of up to one collection interval in span metrics"),
            new Stage(0, "Tempo distributors", List.of("platform-tempo-distributor"),
                    "none: the gateways' persistent queues hold spans while distributors roll"),
            new Stage(0, "memcached", List.of("platform-tempo-memcached"),
                    "cache misses: slower queries until the cache warms"),
            new Stage(0, "Collector gateways and sampling tier", List.of("platform-gateway-gateway", "platform-gateway-sampler"),
                    "clients retry during a pod's restart; accepted spans wait in the pod's persistent queue"),
            new Stage(0, "Grafana", List.of("platform-grafana-deployment"),
                    "with sqlite (one replica, Recreate) the UI is down for the restart; with an external database, none"),
            new Stage(0, "Grafana organisation sync", List.of("platform-grafana-org-sync"),
                    "none: the sync is idempotent"));

    /**
     * A rollout step: what, which resources (logical names), what users notice, and the resources' URNs (for
     * {@code pulumi up --target <urn>} per step).
     */
    public record Stage(int order, String what, List<String> resources, String disruption, List<String> urns) {
        Stage(int order, String what, List<String> resources, String disruption) {
            this(order, what, resources, disruption, List.of());
        }
    }

    public record ImageChange(String component, String from, String to) {}

    /** A unified diff of one generated file; a Secret's content is never shown. */
    public record ConfigDiff(String object, String key, boolean secret, String diff) {}

    public record RuleResult(String id, String component, String since, String source, String change, String action,
                             boolean handled, List<String> failures) {}

    /** A resource the real engine would replace (or delete), and whether data lives in it. */
    public record Replacement(String urn, String type, String name, String reason, boolean stateful) {}

    /**
     * @param direction upgrade, rollback (to an older release: the rules listed are crossed backwards, so
     *     their checks need not hold; their actions say whether the older version reads what the newer wrote) or none
     */
    public record Report(String stack, String from, String to, String direction, List<String> facts, List<ImageChange> images,
                         List<RuleResult> rules, List<Stage> rollout, List<Replacement> replacements,
                         List<ConfigDiff> configDiffs) {
        /** Stateful replacements and rules the target's configs do not satisfy. */
        public List<String> blockers() {
            var out = new ArrayList<String>();
            replacements.stream().filter(Replacement::stateful)
                    .forEach(r -> out.add("replaces stateful " + r.type() + " " + r.name() + ": " + r.reason()));
            if (!direction.equals("rollback")) {
                rules.stream().filter(r -> !r.handled()).forEach(r -> out.add("rule " + r.id() + ": " + String.join("; ", r.failures())));
            }
            return out;
        }
    }

    private UpgradePlanner() {}

    public static Report compare(String stack, Release from, Release to, Plan current, Plan target, List<String> tenantIds,
                                 ReleaseCatalog catalog) {
        var images = new ArrayList<ImageChange>();
        var components = new java.util.TreeSet<>(from.images().keySet());
        components.addAll(to.images().keySet());
        for (String c : components) {
            String a = from.images().getOrDefault(c, "(none)");
            String b = to.images().getOrDefault(c, "(none)");
            if (!a.equals(b)) images.add(new ImageChange(c, a, b));
        }
        int order = from.name().compareTo(to.name()); // YYYY.MM names sort by date
        String direction = order < 0 ? "upgrade" : order > 0 ? "rollback" : "none";
        var rules = new ArrayList<RuleResult>();
        for (var rule : order > 0 ? catalog.crossing(to, from) : catalog.crossing(from, to)) {
            var failures = RuleChecks.failures(rule, target, tenantIds);
            rules.add(new RuleResult(rule.id(), rule.component(), rule.since(), rule.source(), rule.change(), rule.action(),
                    failures.isEmpty(), failures));
        }
        var replacements = replacements(current, target);
        var rollout = rollout(current, target);
        return new Report(stack, from.name(), to.name(), direction, to.facts(), images, rules, rollout, replacements, configDiffs(current, target));
    }

    /** Resources present at both releases whose replacement-causing fields differ, and those the target drops. */
    public static List<Replacement> replacements(Plan current, Plan target) {
        var next = new LinkedHashMap<String, Plan.PlannedResource>();
        target.resources().forEach(r -> next.put(r.urn(), r));
        var out = new ArrayList<Replacement>();
        for (var r : current.resources()) {
            if (!r.custom()) continue;
            var t = next.get(r.urn());
            if (t == null) {
                out.add(new Replacement(r.urn(), r.type(), r.name(), "not in the target plan: deleted"
                        + (r.retainOnDelete() ? " from the stack (retainOnDelete keeps the object)" : ""), stateful(r)));
                continue;
            }
            var reasons = new ArrayList<String>();
            if (r.isKubernetesObject()) {
                for (String f : List.of("metadata.name", "metadata.namespace")) {
                    if (!Objects.equals(at(r.inputs(), f), at(t.inputs(), f))) reasons.add(f + " changes");
                }
            }
            for (String f : IMMUTABLE.getOrDefault(r.type(), List.of())) {
                if (!Objects.equals(at(r.inputs(), f), at(t.inputs(), f))) reasons.add(f + " changes (immutable)");
            }
            if (!reasons.isEmpty()) out.add(new Replacement(r.urn(), r.type(), r.name(), String.join(", ", reasons), stateful(r)));
        }
        return out;
    }

    /** Data lives here: the trace bucket and its key, volumes, and StatefulSets that own volume claims. */
    static boolean stateful(Plan.PlannedResource r) {
        return switch (r.type()) {
            case "aws:s3/bucketV2:BucketV2", "aws:kms/key:Key", "kubernetes:core/v1:PersistentVolumeClaim" -> true;
            case "kubernetes:apps/v1:StatefulSet" -> at(r.inputs(), "spec.volumeClaimTemplates") != null;
            default -> false;
        };
    }

    /** The stages whose workloads' pod templates change, in ORDER, numbered. */
    static List<Stage> rollout(Plan current, Plan target) {
        var before = new TreeMap<String, Object>();
        current.resources().forEach(r -> before.put(r.name(), template(r)));
        var out = new ArrayList<Stage>();
        for (var stage : ORDER) {
            var changed = new ArrayList<String>();
            var urns = new ArrayList<String>();
            for (var r : target.resources()) {
                if (stage.resources().contains(r.name()) && template(r) != null && !Objects.equals(before.get(r.name()), template(r))) {
                    changed.add(r.name());
                    urns.add(r.urn());
                }
            }
            if (!changed.isEmpty()) out.add(new Stage(out.size() + 1, stage.what(), changed, stage.disruption(), urns));
        }
        return out;
    }

    private static Object template(Plan.PlannedResource r) {
        Object spec = at(r.inputs(), "spec.template");
        return spec != null ? spec : at(r.inputs(), "spec.jobTemplate");
    }

    /** Every ConfigMap and Secret data key that differs, as a unified diff (Secrets: only that they change). */
    static List<ConfigDiff> configDiffs(Plan current, Plan target) {
        var a = files(current);
        var b = files(target);
        var keys = new java.util.TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        var out = new ArrayList<ConfigDiff>();
        for (String k : keys) {
            String x = a.getOrDefault(k, "");
            String y = b.getOrDefault(k, "");
            if (x.equals(y)) continue;
            int slash = k.indexOf('|');
            String object = k.substring(0, slash);
            String key = k.substring(slash + 1);
            boolean secret = object.startsWith("Secret/");
            String diff;
            if (secret) {
                diff = "(Secret content changes; not shown)";
            } else {
                var patch = DiffUtils.diff(x.lines().toList(), y.lines().toList());
                diff = String.join("\n", UnifiedDiffUtils.generateUnifiedDiff(current.stack() + "@from/" + object + "/" + key,
                        target.stack() + "@to/" + object + "/" + key, x.lines().toList(), patch, 3));
            }
            out.add(new ConfigDiff(object, key, secret, diff));
        }
        return out;
    }

    /** "Kind/namespace/name|key" to content, for every ConfigMap and Secret of a plan. */
    static Map<String, String> files(Plan plan) {
        var out = new TreeMap<String, String>();
        for (var r : plan.resources()) {
            boolean configMap = r.type().equals("kubernetes:core/v1:ConfigMap");
            if (!configMap && !r.type().equals("kubernetes:core/v1:Secret")) continue;
            String object = (configMap ? "ConfigMap/" : "Secret/") + at(r.inputs(), "metadata.namespace") + "/" + at(r.inputs(), "metadata.name");
            for (String field : List.of("data", "stringData")) {
                if (at(r.inputs(), field) instanceof Map<?, ?> data) {
                    data.forEach((k, v) -> out.put(object + "|" + k, String.valueOf(v)));
                }
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static Object at(Map<String, Object> map, String dotted) {
        Object v = map;
        for (String p : dotted.split("\\.")) {
            if (!(v instanceof Map<?, ?> m)) return null;
            v = ((Map<String, Object>) m).get(p);
        }
        return v;
    }
}
