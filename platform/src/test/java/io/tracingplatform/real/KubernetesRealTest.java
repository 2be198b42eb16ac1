package io.tracingplatform.real;

import static io.tracingplatform.real.Checks.ACCEPT;
import static io.tracingplatform.real.Checks.REJECT;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracingplatform.Plans;
import io.tracingplatform.tempo.InternalPolicies;
import io.tracingplatform.tempo.TempoClients;
import io.tracingplatform.yaml.Yaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every object a stack's render holds, applied in the render's order to a real kube-apiserver (strict field
 * validation, CRDs of the operators installed), then checked for references the API server does not check at apply
 * time: each workload's pod is admitted by the server (dry run: the ServiceAccount admission plugin refuses a missing
 * service account), and every Secret, ConfigMap, Service and scale target a manifest names is read back from the
 * server. Each stack gets an API server of its own on one etcd (a key prefix per stack), so stacks never see each
 * other's objects.
 */
@Tag("real")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubernetesRealTest {
    static final Path WORK = Path.of("platform", "target", "real", "kube");
    static final String PROGRAM = "kube-apiserver";
    Etcd etcd;
    String etcdUrl;

    static String version() {
        return Servers.pin("kube-apiserver");
    }

    @BeforeAll
    void startEtcd() throws IOException {
        etcd = Etcd.start(WORK);
        etcdUrl = etcd.url;
    }

    @AfterAll
    void stopEtcd() {
        if (etcd != null) etcd.close();
    }

    static Stream<String> stacks() {
        return Plans.STACKS.stream();
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void apiServerAcceptsEveryRenderedObject(String stack) throws Exception {
        Path bin = Servers.bin(PROGRAM, version(), "kube-apiserver");
        var failures = new ArrayList<String>();
        try (var api = KubeApi.start(bin, etcdUrl, "/registry-" + stack, WORK.resolve(stack))) {
            installCrds(api, stack, failures);
            var files = renderedFiles(stack);
            var objects = new ArrayList<JsonNode>();
            for (Path f : files) objects.add(KubeApi.parse(Files.readString(f)));
            // The teams' own namespaces (where their Secrets and Instrumentations go) exist before the platform runs.
            for (String ns : namespacesToCreate(objects)) {
                var r = api.apply("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + ns + "\n", false);
                if (!r.ok()) failures.add("namespace " + ns + ": " + r.message());
            }
            for (Path f : files) {
                var r = api.apply(Files.readString(f), false);
                add(failures, Checks.judge("kube.apply", PROGRAM, version(), stack, f.toString(), ACCEPT, r.ok(),
                        r.ok() ? "applied" : r.status() + " " + r.message()));
            }
            // TLS certificates of the Ingresses are the operator's (cert-manager or their own store): the stack file
            // names them, the test creates them as an operator would. A rendered Ingress naming any other Secret fails.
            var settings = Plans.inputs(stack).settings();
            String ns = settings.kubernetes().namespace();
            for (var tls : List.of(settings.grafana().ingressTlsSecret(), settings.gateway().ingressTlsSecret())) {
                if (tls.isPresent()) {
                    var r = api.apply("apiVersion: v1\nkind: Secret\ntype: kubernetes.io/tls\nmetadata:\n  name: " + tls.get()
                            + "\n  namespace: " + ns + "\nstringData:\n  tls.crt: prerequisite\n  tls.key: prerequisite\n", false);
                    if (!r.ok()) failures.add("TLS Secret " + tls.get() + ": " + r.message());
                }
            }
            // A real cluster's ServiceAccount controller creates "default" in every namespace; no controller manager
            // runs here, so the test does what it would.
            var namespaces = new LinkedHashSet<>(namespacesToCreate(objects));
            objects.stream().filter(o -> o.path("kind").asText().equals("Namespace"))
                    .forEach(o -> namespaces.add(o.path("metadata").path("name").asText()));
            for (String namespace : namespaces) {
                api.apply("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: default\n  namespace: " + namespace + "\n", false);
            }
            for (JsonNode obj : objects) {
                JsonNode template = podTemplate(obj);
                if (template == null) continue;
                var r = admitPod(api, obj, template);
                add(failures, Checks.judge("kube.pod-admission", PROGRAM, version(), stack, id(obj), ACCEPT, r.ok(),
                        r.ok() ? "pod admitted (dry run)" : r.status() + " " + r.message()));
            }
            for (JsonNode obj : objects) {
                var missing = References.missing(api, obj);
                add(failures, Checks.judge("kube.references", PROGRAM, version(), stack, id(obj), ACCEPT, missing.isEmpty(),
                        missing.isEmpty() ? "every referenced object exists" : String.join("; ", missing)));
            }
            tempoPolicies(api, stack, objects, failures);
            negativeControls(api, stack, objects, failures);
            assertTrue(failures.isEmpty(), failures.size() + " failure(s) on the real API server for stack " + stack
                    + ":\n" + String.join("\n", failures) + "\n" + api.log(15));
        }
    }

    /**
     * Every pod of Tempo's is behind a NetworkPolicy (the entry points and the inner tiers, InternalPolicies): each
     * component's policy is among the rendered objects and the server holds it after the apply. Its negative control:
     * a name no render has is not found, so the lookup can fail.
     */
    void tempoPolicies(KubeApi api, String stack, List<JsonNode> objects, List<String> failures) {
        String ns = Plans.inputs(stack).settings().kubernetes().namespace();
        var rendered = objects.stream().filter(o -> o.path("kind").asText().equals("NetworkPolicy"))
                .map(o -> o.path("metadata").path("name").asText()).collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
        var expected = new ArrayList<>(InternalPolicies.byComponent(
                new TempoClients(List.of(), List.of(), List.of()), List.of()).keySet());
        expected.add("no-such-tempo-policy");
        for (String name : expected) {
            var r = api.get("/apis/networking.k8s.io/v1/namespaces/" + ns + "/networkpolicies/" + name);
            boolean held = rendered.contains(name) && r.ok();
            add(failures, Checks.judge("kube.networkpolicy.tempo", PROGRAM, version(), stack, ns + "/" + name,
                    name.startsWith("no-such-") ? REJECT : ACCEPT, held,
                    (rendered.contains(name) ? "rendered" : "not rendered (rendered: " + rendered + ")") + "; server " + r.status()));
        }
    }

    /** Each kind of check must be able to fail: a mutated object that the server (or the reference check) refuses. */
    void negativeControls(KubeApi api, String stack, List<JsonNode> objects, List<String> failures) throws IOException {
        JsonNode deployment = objects.stream().filter(o -> o.path("kind").asText().equals("Deployment")).findFirst().orElseThrow();
        JsonNode service = objects.stream().filter(o -> o.path("kind").asText().equals("Service")).findFirst().orElseThrow();

        var unknown = deployment.deepCopy();
        ((ObjectNode) unknown.path("spec").path("template").path("spec")).put("noSuchField", 1);
        var r1 = api.apply(Yaml.toYaml(unknown), true);
        add(failures, Checks.judge("kube.apply.unknown-field", PROGRAM, version(), stack, id(deployment) + " + spec.template.spec.noSuchField",
                REJECT, r1.ok(), r1.status() + " " + r1.message()));

        var wrongType = service.deepCopy();
        ((ObjectNode) wrongType.path("spec").path("ports").get(0)).put("port", "not-a-number");
        var r2 = api.apply(Yaml.toYaml(wrongType), true);
        add(failures, Checks.judge("kube.apply.wrong-type", PROGRAM, version(), stack, id(service) + " ports[0].port: string",
                REJECT, r2.ok(), r2.status() + " " + r2.message()));

        var noSa = deployment.deepCopy();
        ((ObjectNode) noSa.path("spec").path("template").path("spec")).put("serviceAccountName", "no-such-service-account");
        var r3 = admitPod(api, noSa, podTemplate(noSa));
        add(failures, Checks.judge("kube.pod-admission.missing-serviceaccount", PROGRAM, version(), stack,
                id(deployment) + " serviceAccountName: no-such-service-account", REJECT, r3.ok(), r3.status() + " " + r3.message()));

        // Every stack renders NetworkPolicies (Grafana's, Tempo's entry points). k8s.NetworkPolicies leaves out a namespace
        // peer with no names (else the rule would admit everybody); the server refuses what it would otherwise render.
        JsonNode policy = objects.stream().filter(o -> o.path("kind").asText().equals("NetworkPolicy")).findFirst().orElseThrow();
        var emptyIn = policy.deepCopy();
        ((ObjectNode) emptyIn.path("spec").path("ingress").get(0)).withArray("from").addObject().putObject("namespaceSelector")
                .putArray("matchExpressions").addObject().put("key", "kubernetes.io/metadata.name").put("operator", "In").putArray("values");
        var r5 = api.apply(Yaml.toYaml(emptyIn), true);
        add(failures, Checks.judge("kube.apply.networkpolicy-empty-namespace-list", PROGRAM, version(), stack,
                id(policy) + " + from namespaceSelector In []", REJECT, r5.ok(), r5.status() + " " + r5.message()));

        // An empty peer {} is refused too ("must specify a peer"): NetworkPolicyEvaluator throws on it rather than read it
        // as "every pod of the namespace", and this holds it to the server.
        var emptyPeer = policy.deepCopy();
        ((ObjectNode) emptyPeer.path("spec").path("ingress").get(0)).withArray("from").addObject();
        var r6 = api.apply(Yaml.toYaml(emptyPeer), true);
        add(failures, Checks.judge("kube.apply.networkpolicy-empty-peer", PROGRAM, version(), stack,
                id(policy) + " + from {}", REJECT, r6.ok(), r6.status() + " " + r6.message()));

        var noConfigMap = deployment.deepCopy();
        var volumes = ((ObjectNode) noConfigMap.path("spec").path("template").path("spec")).withArray("volumes");
        volumes.addObject().put("name", "missing").putObject("configMap").put("name", "no-such-configmap");
        var missing = References.missing(api, noConfigMap);
        add(failures, Checks.judge("kube.references.missing-configmap", PROGRAM, version(), stack,
                id(deployment) + " volume configMap no-such-configmap", REJECT, missing.isEmpty(), String.join("; ", missing)));
    }

    void installCrds(KubeApi api, String stack, List<String> failures) throws IOException {
        String pin = Servers.pin("crds");
        var problems = api.installCrds(Servers.home("crds", pin).resolve("crds"));
        add(failures, Checks.judge("kube.crd", PROGRAM, version(), stack, "every CRD of " + pin, ACCEPT,
                problems.isEmpty(), problems.isEmpty() ? "installed and Established" : String.join("; ", problems)));
    }

    /** Manifests and (redacted) Secrets, in the render's apply order (the file names' prefixes). */
    static List<Path> renderedFiles(String stack) throws IOException {
        var out = new ArrayList<Path>();
        for (String sub : List.of("manifests", "secrets")) {
            Path dir = Rendered.of(stack).resolve(sub);
            if (!Files.isDirectory(dir)) continue;
            try (var files = Files.list(dir)) {
                files.filter(p -> p.toString().endsWith(".yaml")).forEach(out::add);
            }
        }
        out.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return out;
    }

    static Set<String> namespacesToCreate(List<JsonNode> objects) {
        var declared = new LinkedHashSet<String>();
        var used = new LinkedHashSet<String>();
        for (JsonNode o : objects) {
            if (o.path("kind").asText().equals("Namespace")) declared.add(o.path("metadata").path("name").asText());
            String ns = o.path("metadata").path("namespace").asText("");
            if (!ns.isEmpty()) used.add(ns);
        }
        used.removeAll(declared);
        return used;
    }

    /** The pod template of a workload (Deployment, StatefulSet, DaemonSet, Job, CronJob), or null. */
    static JsonNode podTemplate(JsonNode obj) {
        return switch (obj.path("kind").asText()) {
            case "Deployment", "StatefulSet", "DaemonSet", "Job" -> obj.path("spec").path("template");
            case "CronJob" -> obj.path("spec").path("jobTemplate").path("spec").path("template");
            default -> null;
        };
    }

    static KubeApi.Response admitPod(KubeApi api, JsonNode owner, JsonNode template) throws IOException {
        String ns = owner.path("metadata").path("namespace").asText("default");
        ObjectNode pod = Yaml.JSON.createObjectNode();
        pod.put("apiVersion", "v1").put("kind", "Pod");
        var meta = pod.putObject("metadata");
        meta.put("name", owner.path("metadata").path("name").asText() + "-admission-check").put("namespace", ns);
        if (template.path("metadata").has("labels")) meta.set("labels", template.path("metadata").path("labels"));
        ObjectNode spec = template.path("spec").deepCopy();
        // The StatefulSet controller adds a volume per claim template to each pod; so does the check (as emptyDir:
        // admission reads only the volume's name, and claims are the StorageClass's business).
        for (JsonNode claim : owner.path("spec").path("volumeClaimTemplates")) {
            spec.withArray("volumes").addObject().put("name", claim.path("metadata").path("name").asText()).putObject("emptyDir");
        }
        pod.set("spec", spec);
        return api.post("/api/v1/namespaces/" + ns + "/pods?dryRun=All&fieldValidation=Strict", Yaml.JSON.writeValueAsString(pod));
    }

    static String id(JsonNode obj) {
        String ns = obj.path("metadata").path("namespace").asText("");
        return obj.path("kind").asText() + " " + (ns.isEmpty() ? "" : ns + "/") + obj.path("metadata").path("name").asText();
    }

    static void add(List<String> failures, String failure) {
        if (failure != null) failures.add(failure);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
