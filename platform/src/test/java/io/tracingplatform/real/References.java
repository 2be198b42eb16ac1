package io.tracingplatform.real;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * References between objects that the API server accepts at apply time without checking (a pod that mounts a missing
 * Secret is admitted and then hangs in ContainerCreating), read back from the real server after the stack is applied.
 */
final class References {
    private References() {}

    /** What an object names that the server does not have, one line each; empty when all exist. */
    static List<String> missing(KubeApi api, JsonNode obj) {
        var out = new ArrayList<String>();
        String ns = obj.path("metadata").path("namespace").asText("default");
        JsonNode template = KubernetesRealTest.podTemplate(obj);
        if (template != null) {
            JsonNode spec = template.path("spec");
            String sa = spec.path("serviceAccountName").asText("default");
            need(api, out, ns, "serviceaccounts", sa, "serviceAccountName");
            for (JsonNode v : spec.path("volumes")) {
                if (v.has("secret") && !v.path("secret").path("optional").asBoolean(false)) {
                    need(api, out, ns, "secrets", v.path("secret").path("secretName").asText(), "volume " + v.path("name").asText());
                }
                if (v.has("configMap") && !v.path("configMap").path("optional").asBoolean(false)) {
                    need(api, out, ns, "configmaps", v.path("configMap").path("name").asText(), "volume " + v.path("name").asText());
                }
                for (JsonNode s : v.path("projected").path("sources")) {
                    if (s.has("secret")) need(api, out, ns, "secrets", s.path("secret").path("name").asText(), "projected volume");
                    if (s.has("configMap")) need(api, out, ns, "configmaps", s.path("configMap").path("name").asText(), "projected volume");
                }
                if (v.has("persistentVolumeClaim")) {
                    need(api, out, ns, "persistentvolumeclaims", v.path("persistentVolumeClaim").path("claimName").asText(), "volume");
                }
            }
            for (String list : List.of("initContainers", "containers")) {
                for (JsonNode c : spec.path(list)) {
                    String where = "container " + c.path("name").asText();
                    for (JsonNode e : c.path("envFrom")) {
                        if (e.has("secretRef") && !e.path("secretRef").path("optional").asBoolean(false)) {
                            need(api, out, ns, "secrets", e.path("secretRef").path("name").asText(), where + " envFrom");
                        }
                        if (e.has("configMapRef") && !e.path("configMapRef").path("optional").asBoolean(false)) {
                            need(api, out, ns, "configmaps", e.path("configMapRef").path("name").asText(), where + " envFrom");
                        }
                    }
                    for (JsonNode e : c.path("env")) {
                        JsonNode from = e.path("valueFrom");
                        if (from.has("secretKeyRef") && !from.path("secretKeyRef").path("optional").asBoolean(false)) {
                            needKey(api, out, ns, "secrets", from.path("secretKeyRef"), where + " env " + e.path("name").asText());
                        }
                        if (from.has("configMapKeyRef") && !from.path("configMapKeyRef").path("optional").asBoolean(false)) {
                            needKey(api, out, ns, "configmaps", from.path("configMapKeyRef"), where + " env " + e.path("name").asText());
                        }
                    }
                }
            }
        }
        switch (obj.path("kind").asText()) {
            case "StatefulSet" -> {
                String svc = obj.path("spec").path("serviceName").asText("");
                if (!svc.isEmpty()) {
                    var r = api.get("/api/v1/namespaces/" + ns + "/services/" + svc);
                    if (!r.ok()) out.add("serviceName: Service " + ns + "/" + svc + " not found");
                    else if (!"None".equals(KubeApi.parse(r.body()).path("spec").path("clusterIP").asText())) {
                        out.add("serviceName: Service " + ns + "/" + svc + " is not headless (clusterIP None), so pods get no stable DNS names");
                    }
                }
            }
            case "HorizontalPodAutoscaler" -> {
                JsonNode t = obj.path("spec").path("scaleTargetRef");
                String plural = t.path("kind").asText().toLowerCase() + "s";
                var r = api.get("/apis/" + t.path("apiVersion").asText() + "/namespaces/" + ns + "/" + plural + "/" + t.path("name").asText());
                if (!r.ok()) out.add("scaleTargetRef: " + t.path("kind").asText() + " " + t.path("name").asText() + " not found");
            }
            case "Ingress" -> {
                for (JsonNode tls : obj.path("spec").path("tls")) need(api, out, ns, "secrets", tls.path("secretName").asText(), "tls");
                for (JsonNode rule : obj.path("spec").path("rules")) {
                    for (JsonNode p : rule.path("http").path("paths")) {
                        need(api, out, ns, "services", p.path("backend").path("service").path("name").asText(), "backend");
                    }
                }
            }
            default -> { }
        }
        return out;
    }

    private static void need(KubeApi api, List<String> out, String ns, String plural, String name, String where) {
        if (name.isEmpty()) return;
        var r = api.get("/api/v1/namespaces/" + ns + "/" + plural + "/" + name);
        if (!r.ok()) out.add(where + ": " + plural.replaceAll("s$", "") + " " + ns + "/" + name + " not found");
    }

    private static void needKey(KubeApi api, List<String> out, String ns, String plural, JsonNode ref, String where) {
        String name = ref.path("name").asText();
        var r = api.get("/api/v1/namespaces/" + ns + "/" + plural + "/" + name);
        if (!r.ok()) {
            out.add(where + ": " + plural.replaceAll("s$", "") + " " + ns + "/" + name + " not found");
            return;
        }
        JsonNode o = KubeApi.parse(r.body());
        String key = ref.path("key").asText();
        if (!o.path("data").has(key) && !o.path("stringData").has(key)) {
            out.add(where + ": " + plural.replaceAll("s$", "") + " " + ns + "/" + name + " has no key " + key);
        }
    }
}
