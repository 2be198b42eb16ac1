package io.tracingplatform.upgrade;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.tracingplatform.k8s.Labels;
import io.tracingplatform.offline.Plan;
import io.tracingplatform.tempo.WorkloadSpec;
import io.tracingplatform.yaml.Yaml;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Live pre- and post-flight of a stack's cluster, read with the fabric8 client: every workload the stack's plan
 * creates is ready, runs the images of the stack's release (drift listed), volume claims are bound, no pod
 * restarts in a loop, the CRDs its custom resources need are installed, and every ingester is ACTIVE in Tempo's
 * ring (read through the API server's service proxy). {@link #prerequisites} probes what the platform needs of
 * the stack's Mimir/Cortex and Loki (their {@code /config}, through the same proxy) and that Grafana's secret key
 * will not change under a running Grafana.
 */
public final class ClusterCheck {
    /** A container restarting this often and now waiting in CrashLoopBackOff is a loop, not a blip. */
    static final int RESTART_LOOP = 5;

    public enum Status { OK, PROBLEM, SKIPPED }

    /** One finding: the check, the object, what was seen and, for a problem, what to do. */
    public record Finding(Status status, String check, String object, String message, String fix) {}

    private ClusterCheck() {}

    public static List<Finding> run(KubernetesClient client, Plan plan, String namespace) {
        var out = new ArrayList<Finding>();
        var expectedImages = new TreeMap<String, Map<String, String>>();
        int ingesters = 0;
        for (var r : plan.resources()) {
            boolean deployment = r.type().equals("kubernetes:apps/v1:Deployment");
            boolean statefulSet = r.type().equals("kubernetes:apps/v1:StatefulSet");
            if (!deployment && !statefulSet) continue;
            String name = RuleChecks.name(r);
            String ns = java.util.Objects.toString(UpgradePlanner.at(r.inputs(), "metadata.namespace"), namespace);
            String kind = deployment ? "Deployment" : "StatefulSet";
            String object = kind + " " + ns + "/" + name;
            expectedImages.put(object, images(r.inputs()));
            // One StatefulSet, or one per zone (ingester-zone-a, ...): the ring holds them all.
            if (name.equals("ingester") || name.startsWith("ingester-zone-")) {
                ingesters += ((Number) UpgradePlanner.at(r.inputs(), "spec.replicas")).intValue();
            }
            PodSpec live;
            if (deployment) {
                var d = client.apps().deployments().inNamespace(ns).withName(name).get();
                if (d == null) {
                    out.add(new Finding(Status.PROBLEM, "workload", object, "not found", "run pulumi up for this stack"));
                    continue;
                }
                int want = orZero(d.getSpec().getReplicas());
                var s = d.getStatus();
                int available = s == null ? 0 : orZero(s.getAvailableReplicas());
                int updated = s == null ? 0 : orZero(s.getUpdatedReplicas());
                out.add(available >= want && updated >= want
                        ? new Finding(Status.OK, "workload", object, available + "/" + want + " available", "")
                        : new Finding(Status.PROBLEM, "workload", object, available + "/" + want + " available, " + updated + " updated",
                                "kubectl -n " + ns + " rollout status deployment/" + name + "; kubectl -n " + ns + " describe pods -l "
                                        + Labels.COMPONENT + "=" + component(d.getSpec().getSelector().getMatchLabels())));
                live = d.getSpec().getTemplate().getSpec();
            } else {
                var st = client.apps().statefulSets().inNamespace(ns).withName(name).get();
                if (st == null) {
                    out.add(new Finding(Status.PROBLEM, "workload", object, "not found", "run pulumi up for this stack"));
                    continue;
                }
                int want = orZero(st.getSpec().getReplicas());
                var s = st.getStatus();
                int ready = s == null ? 0 : orZero(s.getReadyReplicas());
                int updated = s == null ? 0 : orZero(s.getUpdatedReplicas());
                boolean revision = s == null || s.getUpdateRevision() == null || s.getUpdateRevision().equals(s.getCurrentRevision());
                out.add(ready == want && updated == want && revision
                        ? new Finding(Status.OK, "workload", object, ready + "/" + want + " ready", "")
                        : new Finding(Status.PROBLEM, "workload", object, ready + "/" + want + " ready, " + updated + " updated"
                                + (revision ? "" : ", rollout in progress"),
                                "kubectl -n " + ns + " rollout status statefulset/" + name + "; kubectl -n " + ns + " describe pod "
                                        + name + "-<n> (a volume that cannot attach or a zone without capacity are the usual causes)"));
                live = st.getSpec().getTemplate().getSpec();
            }
            var running = new TreeMap<String, String>();
            for (Container c : live.getContainers()) running.put(c.getName(), c.getImage());
            expectedImages.get(object).forEach((container, image) -> {
                String actual = running.get(container);
                if (!image.equals(actual)) {
                    out.add(new Finding(Status.PROBLEM, "image", object + "/" + container,
                            "runs " + actual + ", the stack's release pins " + image,
                            "changed outside Pulumi (kubectl set image, another tool): pulumi up restores the pinned image; "
                                    + "or change the stack's release if this version is wanted"));
                }
            });
        }
        for (var pvc : client.persistentVolumeClaims().inNamespace(namespace).list().getItems()) {
            String phase = pvc.getStatus() == null ? "Unknown" : pvc.getStatus().getPhase();
            String object = "PersistentVolumeClaim " + namespace + "/" + pvc.getMetadata().getName();
            out.add("Bound".equals(phase)
                    ? new Finding(Status.OK, "volume", object, "Bound", "")
                    : new Finding(Status.PROBLEM, "volume", object, phase,
                            "kubectl -n " + namespace + " describe pvc " + pvc.getMetadata().getName() + " (storage class, zone, quota)"));
        }
        // Every platform pod carries the environment label; not part-of, which ring members set to "memberlist".
        for (var pod : client.pods().inNamespace(namespace).withLabel(Labels.ENVIRONMENT).list().getItems()) {
            if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) continue;
            for (ContainerStatus cs : pod.getStatus().getContainerStatuses()) {
                var waiting = cs.getState() == null ? null : cs.getState().getWaiting();
                if (orZero(cs.getRestartCount()) >= RESTART_LOOP && waiting != null && "CrashLoopBackOff".equals(waiting.getReason())) {
                    out.add(new Finding(Status.PROBLEM, "restarts", "Pod " + namespace + "/" + pod.getMetadata().getName() + "/" + cs.getName(),
                            cs.getRestartCount() + " restarts, CrashLoopBackOff",
                            "kubectl -n " + namespace + " logs " + pod.getMetadata().getName() + " -c " + cs.getName() + " --previous"));
                }
            }
        }
        for (String crd : requiredCrds(plan)) {
            boolean present = client.apiextensions().v1().customResourceDefinitions().withName(crd).get() != null;
            out.add(present
                    ? new Finding(Status.OK, "crd", "CustomResourceDefinition " + crd, "installed", "")
                    : new Finding(Status.PROBLEM, "crd", "CustomResourceDefinition " + crd, "missing",
                            "install the operator that owns it (README, cluster prerequisites) or turn its switch off in the stack"));
        }
        if (ingesters > 0) out.add(ring(client, namespace, ingesters));
        out.addAll(drains(client, plan, namespace));
        return out;
    }

    /**
     * The drain pipeline's exporters (GatewayPlan.DRAIN_PIPELINE: a release renamed them; their old ids send what their
     * persistent queues held): the queue of each on every pod of its collector, from the pod's own metrics through the
     * API server's pod proxy. A release that no longer drains them may be rolled out only when all are 0.
     */
    static List<Finding> drains(KubernetesClient client, Plan plan, String namespace) {
        var out = new ArrayList<Finding>();
        for (var config : RuleChecks.collectorConfigs(plan).entrySet()) {
            var exporters = new java.util.TreeSet<String>();
            config.getValue().path("service").path("pipelines").path(io.tracingplatform.collector.GatewayPlan.DRAIN_PIPELINE)
                    .path("exporters").forEach(e -> exporters.add(e.asText()));
            if (exporters.isEmpty()) continue;
            @SuppressWarnings("unchecked")
            var labels = new TreeMap<>((Map<String, String>) UpgradePlanner.at(config.getKey().inputs(), "metadata.labels"));
            labels.keySet().retainAll(List.of(Labels.NAME, Labels.INSTANCE, Labels.COMPONENT));
            for (var pod : client.pods().inNamespace(namespace).withLabels(labels).list().getItems()) {
                out.add(drain(client, namespace, pod.getMetadata().getName(), exporters));
            }
        }
        return out;
    }

    /** A sample of the collector's queue size and its labels (Prometheus exposition), and the exporter label in them. */
    static final java.util.regex.Pattern QUEUE_SIZE_SAMPLE = java.util.regex.Pattern.compile("^otelcol_exporter_queue_size\\{([^}]*)\\} (\\S+)");
    static final java.util.regex.Pattern EXPORTER_LABEL = java.util.regex.Pattern.compile("exporter=\"([^\"]+)\"");

    static Finding drain(KubernetesClient client, String namespace, String pod, java.util.Set<String> exporters) {
        String object = "Pod " + namespace + "/" + pod + " drain queues";
        String path = "api/v1/namespaces/" + namespace + "/pods/" + pod + ":" + io.tracingplatform.collector.GatewayPlan.METRICS + "/proxy/metrics";
        try {
            var http = client.getHttpClient();
            HttpResponse<String> response = http.sendAsync(http.newHttpRequestBuilder().uri(client.getMasterUrl().toString() + path).build(),
                    String.class).get(20, TimeUnit.SECONDS);
            if (response.code() != 200) {
                // A problem, not skipped: this check gates a release, and an unread queue is not an empty one.
                return new Finding(Status.PROBLEM, "drain", object, "metrics not reachable through the API server (HTTP " + response.code() + ")",
                        "kubectl -n " + namespace + " port-forward pod/" + pod + " 8888 and read otelcol_exporter_queue_size");
            }
            // otelcol_exporter_queue_size{exporter="<id>",data_type=...} (exporterhelper generated_telemetry.go; the
            // collector's Prometheus reader adds no unit or type suffix, otelconftelemetry migration v0.3.0.go).
            var pending = new TreeMap<String, Double>();
            var seen = new java.util.TreeSet<String>();
            for (String line : response.body().split("\n")) {
                var m = QUEUE_SIZE_SAMPLE.matcher(line);
                if (!m.find()) continue;
                var exporter = EXPORTER_LABEL.matcher(m.group(1));
                if (!exporter.find() || !exporters.contains(exporter.group(1))) continue;
                seen.add(exporter.group(1));
                if (Double.parseDouble(m.group(2)) > 0) pending.merge(exporter.group(1), Double.parseDouble(m.group(2)), Double::sum);
            }
            var unseen = new java.util.TreeSet<>(exporters);
            unseen.removeAll(seen);
            // No series is no evidence: the pod may still run the previous release, or its telemetry level may be none.
            if (!unseen.isEmpty()) {
                return new Finding(Status.PROBLEM, "drain", object, "no queue metric for " + unseen,
                        "finish the rollout (kubectl -n " + namespace + " rollout status statefulset; every pod on this release) and "
                                + "check again; the collector's telemetry level must not be none");
            }
            if (pending.isEmpty()) return new Finding(Status.OK, "drain", object, exporters.size() + " renamed exporters' queues empty", "");
            return new Finding(Status.PROBLEM, "drain", object, "still draining: " + pending,
                    "wait: these queues send what they held before the exporters were renamed; if they do not fall, Tempo refuses "
                            + "them (runbooks/incidents.md, gateway queue). Do not roll out a release that drops exporter/otlp before they are 0");
        } catch (KubernetesClientException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return new Finding(Status.PROBLEM, "drain", object, "not reachable: " + e.getMessage(),
                    "kubectl -n " + namespace + " port-forward pod/" + pod + " 8888 and read otelcol_exporter_queue_size");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Finding(Status.SKIPPED, "drain", object, "interrupted", "");
        }
    }

    /** The CRDs the plan's custom resources need ("kubernetes:monitoring.coreos.com/v1:ServiceMonitor" needs servicemonitors.monitoring.coreos.com). */
    static java.util.SortedSet<String> requiredCrds(Plan plan) {
        var out = new java.util.TreeSet<String>();
        for (var r : plan.resources()) {
            var m = java.util.regex.Pattern.compile("kubernetes:([a-z0-9.-]+\\.[a-z]+)/[a-z0-9]+:([A-Za-z]+)").matcher(r.type());
            // Groups under k8s.io are the API server's own (networking.k8s.io Ingress, NetworkPolicy): no CRD.
            if (m.matches() && !m.group(1).endsWith(".k8s.io")) out.add(m.group(2).toLowerCase(java.util.Locale.ROOT) + "s." + m.group(1));
        }
        return out;
    }

    /** Tempo's ingester ring (dskit ring page, JSON when asked) from a distributor, through the API server's service proxy. */
    static Finding ring(KubernetesClient client, String namespace, int expected) {
        String path = "api/v1/namespaces/" + namespace + "/services/distributor:" + WorkloadSpec.HTTP + "/proxy/ingester/ring";
        String object = "Tempo ingester ring";
        try {
            var http = client.getHttpClient();
            HttpRequest request = http.newHttpRequestBuilder().uri(client.getMasterUrl().toString() + path)
                    .header("Accept", "application/json").build();
            HttpResponse<String> response = http.sendAsync(request, String.class).get(20, TimeUnit.SECONDS);
            if (response.code() != 200) {
                return new Finding(Status.SKIPPED, "ring", object, "not reachable through the API server (HTTP " + response.code() + ")",
                        "kubectl -n " + namespace + " port-forward svc/distributor 3200 and open http://localhost:3200/ingester/ring");
            }
            JsonNode ring = Yaml.JSON.readTree(response.body());
            var notActive = new ArrayList<String>();
            int active = 0;
            for (JsonNode shard : ring.path("shards")) {
                if ("ACTIVE".equals(shard.path("state").asText())) active++;
                else notActive.add(shard.path("id").asText() + " " + shard.path("state").asText());
            }
            if (notActive.isEmpty() && active >= expected) {
                return new Finding(Status.OK, "ring", object, active + " ingesters ACTIVE", "");
            }
            return new Finding(Status.PROBLEM, "ring", object, active + "/" + expected + " ACTIVE" + (notActive.isEmpty() ? "" : "; " + notActive),
                    "wait for LEAVING/JOINING pods to finish; an UNHEALTHY entry of a pod that no longer exists is removed with "
                            + "\"Forget\" on the ring page (port-forward svc/distributor 3200, /ingester/ring)");
        } catch (KubernetesClientException | java.io.IOException | java.util.concurrent.ExecutionException
                 | java.util.concurrent.TimeoutException e) {
            return new Finding(Status.SKIPPED, "ring", object, "not reachable: " + e.getMessage(), "check it by hand: /ingester/ring on a distributor");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Finding(Status.SKIPPED, "ring", object, "interrupted", "");
        }
    }

    /** An in-cluster URL: {@code http(s)://<service>.<namespace>.svc[.cluster.local][:port][/path]}. */
    static final java.util.regex.Pattern SERVICE_URL = java.util.regex.Pattern.compile(
            "(https?)://([a-z0-9-]+)\\.([a-z0-9-]+)\\.svc(?:\\.cluster\\.local)?\\.?(?::(\\d+))?(/.*)?");

    /**
     * What the platform needs of its backends and of Grafana's state, probed where reachable, SKIPPED with the reason
     * where not: Mimir/Cortex with {@code tenant_federation.enabled} (the admins' {@code a|b|c} header) and
     * {@code limits.max_global_exemplars_per_user > 0} (else no metric-to-trace links), Loki with
     * {@code querier.multi_tenant_queries_enabled}; and a running Grafana without the Secret of its secret key (the
     * next up would give it a new key: every secure field it holds would become unreadable).
     */
    public static List<Finding> prerequisites(KubernetesClient client, io.tracingplatform.config.GrafanaSettings grafana, String namespace) {
        var out = new ArrayList<Finding>();
        out.add(backend(client, "metrics store", grafana.prometheusUrl(), Map.of(
                "tenant_federation.enabled", "true",
                "limits.max_global_exemplars_per_user", ">0")));
        out.add(backend(client, "logs store", grafana.lokiUrl(), Map.of("querier.multi_tenant_queries_enabled", "true")));
        boolean grafanaRuns = client.apps().deployments().inNamespace(namespace).withName("grafana").get() != null;
        boolean keyKept = client.secrets().inNamespace(namespace).withName("grafana-secret-key").get() != null;
        String object = "Secret " + namespace + "/grafana-secret-key";
        if (!grafanaRuns || keyKept) {
            out.add(new Finding(Status.OK, "grafana", object, keyKept ? "present (held fixed)" : "no Grafana yet: a new key is right", ""));
        } else {
            out.add(new Finding(Status.PROBLEM, "grafana", object,
                    "missing while Grafana runs: it was started without a secret key of the platform (Grafana's public default)",
                    "before the next pulumi up, keep today's key: pulumi config set --secret tracing-platform:grafanaSecretKey "
                            + "SW2YcwTIb9zpOOhoPsMm (Grafana's default, conf/defaults.ini); rotate later as runbooks/deploy-an-environment.md says"));
        }
        return out;
    }

    /** One backend's {@code /config} (Mimir, Cortex and Loki serve their effective config there) against wanted values. */
    static Finding backend(KubernetesClient client, String what, String url, Map<String, String> wanted) {
        var m = SERVICE_URL.matcher(url);
        String keys = String.join(", ", new java.util.TreeSet<>(wanted.keySet()));
        if (!m.matches()) {
            return new Finding(Status.SKIPPED, "backend", what + " " + url, "outside the cluster: not reachable through the API server",
                    "check by hand that its config has " + keys);
        }
        String scheme = m.group(1);
        String port = m.group(4) != null ? m.group(4) : scheme.equals("https") ? "443" : "80";
        String path = "api/v1/namespaces/" + m.group(3) + "/services/" + (scheme.equals("https") ? "https:" : "") + m.group(2) + ":" + port + "/proxy/config";
        String object = what + " " + m.group(2) + "." + m.group(3);
        try {
            var http = client.getHttpClient();
            HttpRequest request = http.newHttpRequestBuilder().uri(client.getMasterUrl().toString() + path).build();
            HttpResponse<String> response = http.sendAsync(request, String.class).get(20, TimeUnit.SECONDS);
            if (response.code() != 200) {
                return new Finding(Status.SKIPPED, "backend", object, "no /config there (HTTP " + response.code()
                        + "): not Mimir, Cortex or Loki itself (a gateway, or a single-tenant Prometheus)", "check by hand that its config has " + keys);
            }
            JsonNode config = Yaml.YAML.readTree(response.body());
            var wrong = new ArrayList<String>();
            wanted.forEach((key, want) -> {
                JsonNode v = config;
                for (String part : key.split("\\.")) v = v.path(part);
                boolean ok = want.equals(">0") ? v.asDouble(0) > 0 : want.equals(v.asText());
                if (!ok) wrong.add(key + " is " + (v.isMissingNode() ? "unset" : v.asText()) + ", needs " + want);
            });
            return wrong.isEmpty()
                    ? new Finding(Status.OK, "backend", object, String.join(", ", wanted.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).sorted().toList()), "")
                    : new Finding(Status.PROBLEM, "backend", object, String.join("; ", wrong),
                            "set it in that system's config (README, Cluster prerequisites): without it the admins' all-tenant "
                                    + "queries or the metric-to-trace links do not work");
        } catch (KubernetesClientException | java.io.IOException | java.util.concurrent.ExecutionException
                 | java.util.concurrent.TimeoutException e) {
            return new Finding(Status.SKIPPED, "backend", object, "not reachable: " + e.getMessage(), "check by hand that its config has " + keys);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Finding(Status.SKIPPED, "backend", object, "interrupted", "");
        }
    }

    /** Writes the findings as text (problems with what to do) or JSON; returns the number of problems. */
    public static long write(List<Finding> findings, String stack, String release, boolean json, java.io.PrintWriter out) {
        long problems = findings.stream().filter(f -> f.status() == Status.PROBLEM).count();
        if (json) {
            var doc = new java.util.LinkedHashMap<String, Object>();
            doc.put("stack", stack);
            doc.put("release", release);
            doc.put("problems", problems);
            doc.put("findings", findings);
            out.println(Yaml.toOutputJson(doc));
        } else {
            out.println("Upgrade check for stack " + stack + " (release " + release + "):");
            for (var f : findings) {
                out.printf("  %-8s %-9s %s: %s%n", f.status(), f.check(), f.object(), f.message());
                if (!f.fix().isEmpty() && f.status() != Status.OK) out.println("           do: " + f.fix());
            }
            out.println(problems == 0 ? "No problems." : problems + " problem(s).");
        }
        out.flush();
        return problems;
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> images(Map<String, Object> inputs) {
        var out = new TreeMap<String, String>();
        var containers = (List<Map<String, Object>>) UpgradePlanner.at(inputs, "spec.template.spec.containers");
        if (containers != null) containers.forEach(c -> out.put(String.valueOf(c.get("name")), String.valueOf(c.get("image"))));
        return out;
    }

    private static String component(Map<String, String> selector) {
        return selector == null ? "" : selector.getOrDefault(Labels.COMPONENT, "");
    }

    private static int orZero(Integer i) {
        return i == null ? 0 : i;
    }
}
