package io.tracingplatform.tempo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tracingplatform.Plans;
import io.tracingplatform.Reference;
import io.tracingplatform.yaml.Yaml;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Args, ports and probes of every Tempo target match grafana/tempo's own microservices manifests (v2.10.8). */
class UpstreamManifestsTest {
    @SuppressWarnings("unchecked")
    static Map<String, Object> container(Map<String, Object> workload) {
        var spec = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) workload.get("spec")).get("template")).get("spec");
        return ((List<Map<String, Object>>) spec.get("containers")).get(0);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "distributor,       Deployment-distributor.yaml,       kubernetes:apps/v1:Deployment",
        "ingester,          StatefulSet-ingester.yaml,         kubernetes:apps/v1:StatefulSet",
        "querier,           Deployment-querier.yaml,           kubernetes:apps/v1:Deployment",
        "query-frontend,    Deployment-query-frontend.yaml,    kubernetes:apps/v1:Deployment",
        "compactor,         Deployment-compactor.yaml,         kubernetes:apps/v1:Deployment",
        "metrics-generator, StatefulSet-metrics-generator.yaml, kubernetes:apps/v1:StatefulSet",
    })
    @SuppressWarnings("unchecked")
    void argsPortsAndProbesMatchUpstream(String target, String file, String type) throws Exception {
        var upstream = (Map<String, Object>) Yaml.YAML.readValue(
                Reference.require("tempo/microservices-v2.10.8/" + file).toFile(), Map.class);
        for (var ours : ours(target, type, "")) matches(target, upstream, ours);
    }

    /**
     * prod's workloads of {@code target}; for the ingester also the per-zone StatefulSets of prod with tempo.zones set
     * (zone a stands for them: they differ only in zone), so both layouts match upstream.
     */
    static List<Map<String, Object>> ours(String target, String type, String suffix) {
        var out = new java.util.ArrayList<Map<String, Object>>();
        out.add(Plans.of("prod").named(type, "platform-tempo-" + target + suffix).inputs());
        if (target.equals("ingester")) out.add(Plans.zoned("prod").named(type, "platform-tempo-ingester-zone-a" + suffix).inputs());
        return out;
    }

    @SuppressWarnings("unchecked")
    static void matches(String target, Map<String, Object> upstream, Map<String, Object> ours) {
        var up = container(upstream);
        var our = container(ours);
        // The one deliberate difference: no ballast (GOMEMLIMIT instead; WorkloadSpec.tempoArgs says why).
        var upArgs = new java.util.ArrayList<>((List<String>) up.get("args"));
        assertTrue(upArgs.remove("-mem-ballast-size-mbs=1024"), "upstream still sets the ballast: " + upArgs);
        assertEquals(upArgs, our.get("args"), target + ": args");
        var ourPorts = (List<Map<String, Object>>) our.get("ports");
        for (var port : (List<Map<String, Object>>) up.get("ports")) {
            assertTrue(ourPorts.stream().anyMatch(p -> p.get("name").equals(port.get("name"))
                            && ((Number) p.get("containerPort")).intValue() == ((Number) port.get("containerPort")).intValue()),
                    target + ": upstream port " + port + " missing from " + ourPorts);
        }
        var upProbe = (Map<String, Object>) up.get("readinessProbe");
        var ourProbe = (Map<String, Object>) our.get("readinessProbe");
        assertEquals(((Map<String, Object>) upProbe.get("httpGet")).get("path"), ((Map<String, Object>) ourProbe.get("httpGet")).get("path"));
        assertEquals(((Number) ((Map<String, Object>) upProbe.get("httpGet")).get("port")).intValue(),
                ((Number) ((Map<String, Object>) ourProbe.get("httpGet")).get("port")).intValue(), target + ": probe port");
        assertEquals(((Number) upProbe.get("initialDelaySeconds")).intValue(), ((Number) ourProbe.get("initialDelaySeconds")).intValue());
        assertEquals(((Number) upProbe.get("timeoutSeconds")).intValue(), ((Number) ourProbe.get("timeoutSeconds")).intValue());
        var upMounts = ((List<Map<String, Object>>) up.get("volumeMounts")).stream().map(m -> m.get("mountPath")).toList();
        var ourMounts = ((List<Map<String, Object>>) our.get("volumeMounts")).stream().map(m -> m.get("mountPath")).toList();
        assertTrue(ourMounts.containsAll(upMounts), target + ": mounts " + upMounts + " in " + ourMounts);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"distributor", "ingester", "querier", "compactor", "metrics-generator"})
    @SuppressWarnings("unchecked")
    void servicePortsOfUpstreamExist(String target) throws Exception {
        var upstream = (Map<String, Object>) Yaml.YAML.readValue(
                Reference.require("tempo/microservices-v2.10.8/Service-" + target + ".yaml").toFile(), Map.class);
        for (var ours : ours(target, "kubernetes:core/v1:Service", "-service")) {
            var ourPorts = (List<Map<String, Object>>) ((Map<String, Object>) ours.get("spec")).get("ports");
            for (var port : (List<Map<String, Object>>) ((Map<String, Object>) upstream.get("spec")).get("ports")) {
                assertTrue(ourPorts.stream().anyMatch(p -> p.get("name").equals(port.get("name"))
                        && ((Number) p.get("port")).intValue() == ((Number) port.get("port")).intValue()), target + ": " + port);
            }
        }
    }
}
