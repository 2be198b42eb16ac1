package io.tracingplatform.real;

import static io.tracingplatform.real.Checks.ACCEPT;
import static io.tracingplatform.real.Checks.REJECT;

import io.tracingplatform.Plans;
import io.tracingplatform.yaml.Yaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every rendered collector config (gateway, sampler) of every stack, judged by the real collector built from the
 * project's builder manifest at the version the stack's release pins: {@code otelcol validate} accepts it, the
 * collector starts with it and reports healthy, and mutated copies are refused.
 */
@Tag("real")
@SuppressWarnings("unchecked")
class CollectorRealTest {
    static final String PROGRAM = "otelcol";
    static final Path WORK = Path.of("platform", "target", "real", "otelcol");
    /** The name the first gateway pod of the StatefulSet gets (downward API, GatewayPlan.POD_NAME_ENV). */
    static final String POD_NAME = "otel-gateway-0";
    /**
     * What a gateway pod gets as environment variables: from Secrets (a Laptop mapping: values of a test seed) and its
     * own name from the downward API.
     */
    static final Map<String, String> POD_ENV = Map.of(io.tracingplatform.collector.GatewayPlan.SAMPLER_AUTHORIZATION_ENV,
            io.tracingplatform.collector.GatewayCredentials.samplerAuthorization("real-suite-seed"),
            io.tracingplatform.collector.GatewayPlan.POD_NAME_ENV, POD_NAME);

    /**
     * A collector on a rendered config with its Laptop overlay (and any further overlays), with a pod's environment,
     * healthy before it returns.
     */
    static Proc startCollector(String name, Path bin, Path config, Laptop.CollectorRun laptop, Path work, Path... overlays) {
        var cmd = new java.util.ArrayList<>(List.of(bin.toString(), "--config=file:" + config.toAbsolutePath(),
                "--config=file:" + laptop.overlay().toAbsolutePath()));
        for (Path o : overlays) cmd.add("--config=file:" + o.toAbsolutePath());
        var p = Proc.start(name, cmd, POD_ENV, work);
        p.awaitHttp200("http://127.0.0.1:" + laptop.healthPort() + "/", java.time.Duration.ofSeconds(60));
        return p;
    }

    static Stream<Arguments> configs() {
        var args = new ArrayList<Arguments>();
        for (String stack : Plans.STACKS) {
            for (String part : List.of("otel-gateway", "otel-sampler")) {
                if (Files.exists(Rendered.of(stack).resolve("config").resolve(part).resolve("collector.yaml"))) {
                    args.add(Arguments.of(stack, part));
                }
            }
        }
        return args.stream();
    }

    static String version(String stack) {
        return Servers.release(stack).version("otelcolContrib");
    }

    /** The collector of the stack's release; where a registry refuses what that version needs, "not run". */
    static Path otelcol(String stack, String check, String input) {
        try {
            return Servers.bin(PROGRAM, version(stack), "otelcol");
        } catch (Servers.Unavailable e) {
            Checks.notRun(check, PROGRAM, version(stack), stack, input, e.getMessage());
            Assumptions.abort(e.getMessage());
            throw e;
        }
    }

    /** The real collector has exactly the components the release lets the platform use, no more, no fewer. */
    @ParameterizedTest
    @MethodSource("releaseStacks")
    void collectorHasTheReleasesComponents(String stack) throws IOException {
        var release = Servers.release(stack);
        var r = Servers.run(otelcol(stack, "otelcol.components", release.name()), List.of("components"), Duration.ofMinutes(1));
        Map<String, Object> doc = Yaml.YAML.readValue(r.output(), LinkedHashMap.class);
        var actual = new java.util.TreeSet<String>();
        for (String kind : List.of("extensions", "receivers", "processors", "connectors", "exporters")) {
            for (Object c : (List<Object>) doc.getOrDefault(kind, List.of())) {
                actual.add(kind.substring(0, kind.length() - 1) + "/" + Laptop.map(c).get("name"));
            }
        }
        // What the manifest builds: the release's components, and where a module has a deprecated alias, the alias
        // too (ServerRecipesTest ties the manifest to the release's list).
        var expected = new java.util.TreeSet<String>();
        Servers.collectorModules(version(stack)).values().forEach(expected::addAll);
        Checks.judged("otelcol.components", PROGRAM, version(stack), stack, "release " + release.name(), ACCEPT,
                actual.equals(expected) && actual.containsAll(release.collectorComponents()),
                "collector has " + actual + "; its manifest provides " + expected + "; release lists " + release.collectorComponents());
    }

    /** One stack per release: the components are the release's, whatever the stack. */
    static Stream<String> releaseStacks() {
        var seen = new java.util.HashSet<String>();
        return Plans.STACKS.stream().filter(s -> seen.add(Servers.release(s).name()));
    }

    static Path config(String stack, String part) {
        return Rendered.of(stack).resolve("config").resolve(part).resolve("collector.yaml");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("configs")
    void validateAcceptsTheRenderedConfig(String stack, String part) {
        Path file = config(stack, part);
        // With the pod's environment: the config reads it (the gateway's pod name), as the pod does.
        var r = Servers.run(otelcol(stack, "otelcol.validate", file.toString()), List.of("validate", "--config=file:" + file.toAbsolutePath()),
                POD_ENV, Duration.ofMinutes(2));
        Checks.judged("otelcol.validate", PROGRAM, version(stack), stack, file.toString(), ACCEPT, r.code() == 0, r.tail(20));
    }

    /** Negative controls, each a mutation of the rendered file that the real collector must refuse. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("configs")
    void validateRefusesBrokenCopies(String stack, String part) throws IOException {
        Map<String, Consumer<Map<String, Object>>> mutations = new LinkedHashMap<>();
        mutations.put("unknown-key", c -> section(c, "processors").put("memory_limiter",
                with(section(c, "processors").get("memory_limiter"), "no_such_setting", true)));
        // The health endpoint is a string; a list where it belongs is a type error under strict decoding.
        mutations.put("wrong-type", c -> section(c, "extensions").put("health_check",
                with(section(c, "extensions").get("health_check"), "endpoint", List.of(13133))));
        mutations.put("missing-exporter", c -> section(c, "exporters").clear());
        for (var m : mutations.entrySet()) {
            Map<String, Object> copy = read(config(stack, part));
            m.getValue().accept(copy);
            Path file = WORK.resolve(stack).resolve(part + "-" + m.getKey() + ".yaml");
            Files.createDirectories(file.getParent());
            Files.writeString(file, Yaml.toYaml(copy));
            var r = Servers.run(otelcol(stack, "otelcol.validate." + m.getKey(), file.toString()), List.of("validate", "--config=file:" + file.toAbsolutePath()),
                    POD_ENV, Duration.ofMinutes(2));
            Checks.judged("otelcol.validate." + m.getKey(), PROGRAM, version(stack), stack, file.toString(), REJECT,
                    r.code() == 0, r.tail(10));
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("configs")
    void collectorStartsAndReportsHealthy(String stack, String part) throws IOException {
        Path file = config(stack, part);
        var laptop = Laptop.collector(read(file), WORK.resolve(stack).resolve(part + "-run"), "check:{SHA}" + "qUqP5cyxm6YcTAhz05Hph5gvu9M=\n");
        Path bin = otelcol(stack, "otelcol.start", file.toString());
        try (var proc = Proc.start(stack + "-" + part, List.of(bin.toString(),
                "--config=file:" + file.toAbsolutePath(), "--config=file:" + laptop.overlay().toAbsolutePath()),
                POD_ENV, WORK.resolve(stack))) {
            String health = "http://127.0.0.1:" + laptop.healthPort() + "/";
            boolean healthy;
            String detail;
            try {
                proc.awaitHttp200(health, Duration.ofSeconds(60));
                healthy = true;
                detail = "healthy at " + health;
            } catch (AssertionError e) {
                healthy = false;
                detail = e.getMessage();
            }
            Checks.judged("otelcol.start", PROGRAM, version(stack), stack, file.toString(), ACCEPT, healthy, detail);
        }
        // Negative control: the same config whose OTLP gRPC port is taken must not come up healthy.
        try (var taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            var busy = Laptop.collector(read(file), WORK.resolve(stack).resolve(part + "-busy"), "check:{SHA}qUqP5cyxm6YcTAhz05Hph5gvu9M=\n");
            var overlay = read(busy.overlay());
            Laptop.put(overlay, List.of("receivers", "otlp", "protocols", "grpc", "endpoint"), "127.0.0.1:" + taken.getLocalPort());
            Files.writeString(busy.overlay(), Yaml.toYaml(overlay));
            try (var proc = Proc.start(stack + "-" + part + "-busy", List.of(bin.toString(), "--config=file:" + file.toAbsolutePath(),
                    "--config=file:" + busy.overlay().toAbsolutePath()), POD_ENV, WORK.resolve(stack))) {
                boolean healthy;
                try {
                    proc.awaitHttp200("http://127.0.0.1:" + busy.healthPort() + "/", Duration.ofSeconds(20));
                    healthy = true;
                } catch (AssertionError e) {
                    healthy = false;
                }
                Checks.judged("otelcol.start.port-taken", PROGRAM, version(stack), stack, file + " (gRPC port in use)", REJECT,
                        healthy, proc.tail(3));
            }
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> read(Path file) throws IOException {
        return Yaml.YAML.readValue(file.toFile(), LinkedHashMap.class);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> section(Map<String, Object> config, String key) {
        return (Map<String, Object>) config.computeIfAbsent(key, k -> new LinkedHashMap<>());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> with(Object map, String key, Object value) {
        var copy = new LinkedHashMap<String, Object>(map == null ? Map.of() : (Map<String, Object>) map);
        copy.put(key, value);
        return copy;
    }
}
