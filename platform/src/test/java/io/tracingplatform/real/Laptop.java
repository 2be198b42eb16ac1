package io.tracingplatform.real;

import io.tracingplatform.yaml.Yaml;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place where rendered values that only work inside a cluster are mapped for a run on this machine, and
 * why. The rendered files stay untouched: for the collector the mapping is a second config source that the
 * collector merges over the rendered one ({@code --config=file:rendered --config=file:overlay}).
 *
 * <ul>
 *   <li>Listen addresses ({@code 0.0.0.0:4317}, health, pprof, zpages, the metrics reader) move to free ports on
 *       127.0.0.1: fixed ports would collide between checks, and nothing here may listen beyond loopback.</li>
 *   <li>Paths of mounted volumes and Secrets ({@code /var/lib/otelcol/queue}, {@code /etc/otelcol/auth/htpasswd})
 *       move into the check's folder; the htpasswd file gets the caller's lines (the Secret is redacted in a render).</li>
 *   <li>Cluster DNS names of backends ({@code *.svc.cluster.local}) become 127.0.0.1 / localhost on a port where
 *       nothing listens (or the test's own backend): a lookup would leave this machine, and the checks here are about
 *       the collector itself. OTLP/HTTP exporters keep their URL's path, so the signal path they append is real.</li>
 * </ul>
 * Ports and values the collector decodes (e.g. the load-balancing resolver's {@code port}) are left as rendered, so
 * a type fault there still reaches the real collector.
 */
public final class Laptop {
    private Laptop() {}

    /** A collector overlay: the file and the ports it chose. */
    public record CollectorRun(Path overlay, int healthPort, Map<String, Integer> receiverPorts, int metricsPort) {}

    public static CollectorRun collector(Map<String, Object> rendered, Path dir, String htpasswd) {
        return collector(rendered, dir, htpasswd, null);
    }

    /**
     * @param backend where the OTLP exporters send (host:port of a test's receiver), or null for a port where
     *     nothing listens
     */
    @SuppressWarnings("unchecked")
    public static CollectorRun collector(Map<String, Object> rendered, Path dir, String htpasswd, String backend) {
        return collector(rendered, dir, htpasswd, backend, Map.of());
    }

    /**
     * @param httpBackends for OTLP/HTTP exporters (their endpoint is a URL): rendered base URL to the local one a
     *     test serves; others go to a port on 127.0.0.1 where nothing listens, keeping their path
     */
    @SuppressWarnings("unchecked")
    public static CollectorRun collector(Map<String, Object> rendered, Path dir, String htpasswd, String backend,
                                         Map<String, String> httpBackends) {
        try {
            Files.createDirectories(dir);
            var overlay = new LinkedHashMap<String, Object>();
            int health = -1;
            var receiverPorts = new LinkedHashMap<String, Integer>();
            for (var r : map(rendered.get("receivers")).entrySet()) {
                for (var p : map(map(r.getValue()).get("protocols")).entrySet()) {
                    int port = Proc.freePort();
                    receiverPorts.put(r.getKey() + "/" + p.getKey(), port);
                    put(overlay, List.of("receivers", r.getKey(), "protocols", p.getKey(), "endpoint"), "127.0.0.1:" + port);
                }
            }
            for (var e : map(rendered.get("extensions")).entrySet()) {
                String name = e.getKey();
                var ext = map(e.getValue());
                String type = name.contains("/") ? name.substring(0, name.indexOf('/')) : name;
                switch (type) {
                    case "health_check" -> {
                        health = Proc.freePort();
                        put(overlay, List.of("extensions", name, "endpoint"), "127.0.0.1:" + health);
                    }
                    case "pprof", "zpages" -> put(overlay, List.of("extensions", name, "endpoint"), "127.0.0.1:" + Proc.freePort());
                    case "file_storage" -> {
                        Path queue = dir.resolve("queue-" + name.replace('/', '-'));
                        Files.createDirectories(queue);
                        put(overlay, List.of("extensions", name, "directory"), queue.toAbsolutePath().toString());
                        if (ext.containsKey("compaction")) {
                            put(overlay, List.of("extensions", name, "compaction", "directory"), queue.toAbsolutePath().toString());
                        }
                    }
                    case "basicauth" -> {
                        if (!ext.containsKey("htpasswd")) continue; // a client credential (from env), no file
                        Path file = dir.resolve("htpasswd-" + name.replace('/', '-'));
                        Files.writeString(file, htpasswd);
                        put(overlay, List.of("extensions", name, "htpasswd", "file"), file.toAbsolutePath().toString());
                    }
                    default -> { }
                }
            }
            for (var e : map(rendered.get("exporters")).entrySet()) {
                var exp = map(e.getValue());
                if (exp.get("endpoint") instanceof String url && url.matches("https?://.*")) {
                    String local = httpBackends.getOrDefault(url, url.replaceFirst("^https?://[^/]+", "http://127.0.0.1:" + Proc.freePort()));
                    put(overlay, List.of("exporters", e.getKey(), "endpoint"), local);
                } else if (exp.containsKey("endpoint")) {
                    put(overlay, List.of("exporters", e.getKey(), "endpoint"), backend != null ? backend : "127.0.0.1:" + Proc.freePort());
                }
                if (map(map(exp.get("resolver")).get("dns")).containsKey("hostname")) {
                    put(overlay, List.of("exporters", e.getKey(), "resolver", "dns", "hostname"), "localhost");
                }
            }
            var telemetry = map(map(rendered.get("service")).get("telemetry"));
            int metrics = -1;
            if (map(telemetry.get("metrics")).containsKey("readers")) {
                metrics = Proc.freePort();
                put(overlay, List.of("service", "telemetry", "metrics", "readers"), List.of(Map.of("pull", Map.of(
                        "exporter", Map.of("prometheus", Map.of("host", "127.0.0.1", "port", metrics))))));
            }
            if (health < 0) throw new AssertionError("the rendered collector config has no health_check extension");
            Path file = dir.resolve("laptop-overlay.yaml");
            Files.writeString(file, Yaml.toYaml(overlay));
            return new CollectorRun(file, health, receiverPorts, metrics);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    static void put(Map<String, Object> root, List<String> path, Object value) {
        Map<String, Object> m = root;
        for (String key : path.subList(0, path.size() - 1)) {
            m = (Map<String, Object>) m.computeIfAbsent(key, k -> new LinkedHashMap<String, Object>());
        }
        m.put(path.get(path.size() - 1), value);
    }
}
