package io.tracingplatform.real;

import static io.tracingplatform.real.Checks.ACCEPT;
import static io.tracingplatform.real.Checks.REJECT;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracingplatform.Plans;
import io.tracingplatform.yaml.Yaml;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Prometheus 3.5 (Debian's build, the line the release pins) on what the platform generates: the local stack's
 * Prometheus config and flags, and every stack's alerting rules, with unit tests per alert ({@code promtool test
 * rules}: fires when it should, silent when not).
 */
@Tag("real")
class PrometheusRealTest {
    static final Path WORK = Path.of("platform", "target", "real", "prometheus");
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** promtool's version: Debian's build (the rule and config checks). */
    static String version() {
        return Servers.pin("debian/prometheus");
    }

    static Path bin(String name) {
        return Servers.bin("debian/prometheus", version(), name);
    }

    /**
     * The server's version: built from source at the image's exact version, because Debian's build (3.5.3+ds1) has no
     * OTLP receiver ({@code --web.enable-otlp-receiver}), which the local stack turns on for apps' metrics.
     */
    static String serverVersion() {
        return Servers.pin("prometheus");
    }

    @Test
    void promtoolChecksTheLocalConfig() throws IOException {
        Path file = Rendered.of("local").resolve("config/prometheus/prometheus.yml");
        var r = Servers.run(bin("promtool"), List.of("check", "config", file.toString()), Duration.ofMinutes(1));
        Checks.judged("promtool.check-config", "promtool", version(), "local", file.toString(), ACCEPT, r.code() == 0, r.output());

        Map<String, Map<String, Object>> broken = new LinkedHashMap<>();
        broken.put("unknown-key", with(read(file), "no_such_section", Map.of("x", 1)));
        var wrongType = read(file);
        ((Map<String, Object>) wrongType.get("global")).put("scrape_interval", List.of("30s"));
        broken.put("wrong-type", wrongType);
        for (var b : broken.entrySet()) {
            Path copy = write(WORK.resolve("local").resolve("prometheus-" + b.getKey() + ".yml"), Yaml.toYaml(b.getValue()));
            var rb = Servers.run(bin("promtool"), List.of("check", "config", copy.toString()), Duration.ofMinutes(1));
            Checks.judged("promtool.check-config." + b.getKey(), "promtool", version(), "local", copy.toString(), REJECT,
                    rb.code() == 0, rb.output());
        }
    }

    /** The local Prometheus starts with the rendered config and the rendered flags, and becomes ready. */
    @Test
    void prometheusStartsWithTheRenderedFlags() throws IOException {
        Path config = Rendered.of("local").resolve("config/prometheus/prometheus.yml");
        List<String> args = renderedArgs();
        int port = Proc.freePort();
        try (var p = startLocal(WORK.resolve("local"), port)) {
            boolean ready;
            String detail;
            try {
                p.awaitHttp200("http://127.0.0.1:" + port + "/-/ready", Duration.ofSeconds(60));
                ready = true;
                detail = "ready with flags " + args;
            } catch (AssertionError e) {
                ready = false;
                detail = e.getMessage();
            }
            Checks.judged("prometheus.start", "prometheus", serverVersion(), "local", config + " + StatefulSet args", ACCEPT, ready, detail);
        }
        // Negative control: a flag Prometheus does not have must stop it at once.
        var bad = Servers.run(Servers.bin("prometheus", serverVersion(), "prometheus"),
                List.of("--config.file=" + config.toAbsolutePath(), "--no-such-flag"), Duration.ofSeconds(30));
        Checks.judged("prometheus.start.unknown-flag", "prometheus", serverVersion(), "local", "--no-such-flag", REJECT,
                bad.code() == 0, bad.tail(5));
    }

    /** The local stack's Prometheus container arguments, as rendered. */
    static List<String> renderedArgs() throws IOException {
        return containerArgs(Rendered.of("local").resolve("manifests/14-statefulset-tracing-prometheus.yaml"));
    }

    /** The local stack's Prometheus with its rendered config and flags, listening on 127.0.0.1:port (not awaited). */
    static Proc startLocal(Path dir, int port) throws IOException {
        Path config = Rendered.of("local").resolve("config/prometheus/prometheus.yml");
        Path data = Files.createDirectories(dir.resolve("data"));
        var mapped = new ArrayList<String>();
        mapped.add(Servers.bin("prometheus", serverVersion(), "prometheus").toString());
        for (String a : renderedArgs()) {
            // Laptop mapping (see Laptop): the mounted config and volume paths, and the listen address.
            if (a.startsWith("--config.file=")) a = "--config.file=" + config.toAbsolutePath();
            else if (a.startsWith("--storage.tsdb.path=")) a = "--storage.tsdb.path=" + data.toAbsolutePath();
            else if (a.startsWith("--web.listen-address=")) a = "--web.listen-address=127.0.0.1:" + port;
            mapped.add(a);
        }
        return Proc.start("prometheus-local", mapped, Map.of(), dir);
    }

    /** The instant vector of a PromQL query (an empty list when there is none or Prometheus failed). */
    static List<JsonNode> query(int prometheusPort, String promql) {
        try {
            var r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + prometheusPort + "/api/v1/query?query="
                    + URLEncoder.encode(promql, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            var result = new ArrayList<JsonNode>();
            JSON.readTree(r.body()).path("data").path("result").forEach(result::add);
            return result;
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    static Stream<String> stacksWithRules() {
        return Plans.STACKS.stream().filter(s -> rulesFile(s) != null);
    }

    static Path rulesFile(String stack) {
        var all = rulesFiles(stack);
        return all.isEmpty() ? null : all.get(0);
    }

    /** Every rendered PrometheusRule of the stack (Tempo's and the Grafana sync's), in file order. */
    static List<Path> rulesFiles(String stack) {
        try (var files = Files.list(Rendered.of(stack).resolve("manifests"))) {
            return files.filter(f -> f.getFileName().toString().contains("-prometheusrule-")).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The groups of every PrometheusRule of the stack as one rule file, so promtool checks and tests them all. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> allRules(String stack) throws IOException {
        var groups = new java.util.ArrayList<Object>();
        for (Path f : rulesFiles(stack)) groups.addAll((List<Object>) Laptop.map(read(f).get("spec")).get("groups"));
        return Map.of("groups", groups);
    }

    @ParameterizedTest
    @MethodSource("stacksWithRules")
    void promtoolChecksAndTestsTheAlerts(String stack) throws IOException {
        Path rendered = rulesFile(stack);
        Map<String, Object> spec = allRules(stack);
        Path dir = Files.createDirectories(WORK.resolve(stack));
        Path rules = write(dir.resolve("rules.yaml"), Yaml.toYaml(spec));
        var check = Servers.run(bin("promtool"), List.of("check", "rules", rules.toString()), Duration.ofMinutes(1));
        Checks.judged("promtool.check-rules", "promtool", version(), stack, rendered.toString(), ACCEPT, check.code() == 0, check.output());

        // Negative control: the same rules with one expression broken.
        var brokenSpec = read(rules);
        var firstRule = Laptop.map(((List<Map<String, Object>>) Laptop.map(((List<Object>) brokenSpec.get("groups")).get(0)).get("rules")).get(0));
        firstRule.put("expr", "sum by (tenant (rate(x[5m]))");
        Path broken = write(dir.resolve("rules-broken-expr.yaml"), Yaml.toYaml(brokenSpec));
        var rb = Servers.run(bin("promtool"), List.of("check", "rules", broken.toString()), Duration.ofMinutes(1));
        Checks.judged("promtool.check-rules.broken-expr", "promtool", version(), stack, broken.toString(), REJECT, rb.code() == 0, rb.output());

        var tests = AlertTests.forRules(spec, "rules.yaml");
        Path testFile = write(dir.resolve("alerts.test.yaml"), Yaml.toYaml(tests.good()));
        var t = Servers.run(bin("promtool"), List.of("test", "rules", testFile.toString()), Duration.ofMinutes(2));
        Checks.judged("promtool.test-rules", "promtool", version(), stack, testFile.toString(), ACCEPT, t.code() == 0, t.output());

        // Negative control: the same tests expecting each alert where it must stay silent.
        Path wrong = write(dir.resolve("alerts-wrong.test.yaml"), Yaml.toYaml(tests.inverted()));
        var tw = Servers.run(bin("promtool"), List.of("test", "rules", wrong.toString()), Duration.ofMinutes(2));
        Checks.judged("promtool.test-rules.inverted", "promtool", version(), stack, wrong.toString(), REJECT, tw.code() == 0, tw.tail(10));
    }

    static List<String> containerArgs(Path manifest) throws IOException {
        var spec = Laptop.map(Laptop.map(Laptop.map(read(manifest).get("spec")).get("template")).get("spec"));
        return (List<String>) Laptop.map(((List<Object>) spec.get("containers")).get(0)).get("args");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> read(Path file) throws IOException {
        return Yaml.YAML.readValue(file.toFile(), LinkedHashMap.class);
    }

    static Map<String, Object> with(Map<String, Object> map, String key, Object value) {
        map.put(key, value);
        return map;
    }

    static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }
}
