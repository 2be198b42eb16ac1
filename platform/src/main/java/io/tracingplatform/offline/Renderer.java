package io.tracingplatform.offline;

import io.tracingplatform.yaml.Yaml;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes a plan's Kubernetes objects as kubectl-appliable YAML, one file each, and the generated config
 * files (every ConfigMap key) beside them, for GitOps users who apply without the Pulumi engine.
 *
 * <p>Files are prefixed by apply order (namespaces and CRDs before what lives in them), so
 * {@code kubectl apply -f DIR/manifests} works in one pass. Secrets go to {@code DIR/secrets/} with their
 * secret values redacted: offline they would be derived from placeholders, and applying them would break
 * credentials; create them from your secret store (the file shows name, namespace and keys;
 * {@code DIR/secrets/README.md} says how). Keys that are not secret ({@link #PUBLIC_KEYS}) keep their values.
 *
 * <p>Two Secrets hold documents GitOps users need to review, and secret only because of a few values in them:
 * Grafana's data source provisioning ({@code config/grafana-datasources/datasources.yaml}) and the organisation
 * sync's desired state ({@code config/grafana-org-sync/desired-state.json}). They are written as config files too,
 * with every value under {@code secureJsonData} (the tenant header values) replaced and nothing else changed; a
 * document held gzip'd in {@code data} (the desired state, so that it fits a Secret) is written unzipped and
 * indented. A redacted {@code data} value is written under {@code stringData} (a placeholder is not base64).
 */
public final class Renderer {
    /** Marks a directory this renderer owns, so a re-render may clear it and nothing else is ever deleted. */
    public static final String MARKER = ".platformctl-render";

    private static final List<String> KIND_ORDER = List.of("Namespace", "CustomResourceDefinition",
            "PriorityClass", "StorageClass", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role",
            "RoleBinding", "Secret", "ConfigMap", "PersistentVolumeClaim", "Service", "Deployment", "StatefulSet",
            "DaemonSet", "Job", "CronJob", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Ingress",
            "NetworkPolicy");

    /**
     * A Secret's document also written as a config file, secure values replaced.
     *
     * @param key the Secret's key; ending in {@code .gz}: base64 of gzip in {@code data}, else text in {@code stringData}
     * @param folder the folder under {@code config/}; the file is named after the key without {@code .gz}
     */
    record Reviewable(String key, String folder) {
        boolean gzip() {
            return key.endsWith(".gz");
        }

        String file() {
            return gzip() ? key.substring(0, key.length() - 3) : key;
        }
    }

    static final Map<String, Reviewable> REVIEWABLE_SECRETS = Map.of(
            "grafana-datasources", new Reviewable("datasources.yaml", "grafana-datasources"),
            "grafana-desired-state", new Reviewable("desired-state.json.gz", "grafana-org-sync"));
    public static final String SECURE_VALUE = "REDACTED: a secure value (tenant header); set by pulumi up or your secret store";

    private Renderer() {}

    /** A file written, relative to the output directory, and what it holds. */
    public record Written(String path, String kind, String namespace, String name) {}

    /** Refused: the directory holds files this renderer did not write. */
    public static final class NotOurDirectoryException extends RuntimeException {
        public NotOurDirectoryException(Path dir) {
            super("refusing to write into " + dir + ": it is not empty and was not written by platformctl render;"
                    + " choose an empty or new directory");
        }
    }

    public static List<Written> render(Plan plan, Path out) {
        prepare(out);
        var written = new ArrayList<Written>();
        var secrets = new ArrayList<Map<String, Object>>();
        var objects = plan.resources().stream().filter(Plan.PlannedResource::isKubernetesObject).toList();
        for (var r : objects) {
            var object = manifest(r.inputs());
            String kind = String.valueOf(object.get("kind"));
            @SuppressWarnings("unchecked")
            var metadata = (Map<String, Object>) object.getOrDefault("metadata", Map.of());
            String name = String.valueOf(metadata.get("name"));
            String namespace = metadata.get("namespace") == null ? "" : String.valueOf(metadata.get("namespace"));
            int order = KIND_ORDER.indexOf(kind);
            String prefix = String.format("%02d", order < 0 ? 99 : order);
            boolean secret = kind.equals("Secret");
            var doc = secret ? REVIEWABLE_SECRETS.get(name) : null;
            if (doc != null && object.get(doc.gzip() ? "data" : "stringData") instanceof Map<?, ?> values
                    && values.get(doc.key()) != null) {
                String text = doc.gzip() ? gunzip(String.valueOf(values.get(doc.key()))) : String.valueOf(values.get(doc.key()));
                String configFile = "config/" + doc.folder() + "/" + doc.file();
                write(out.resolve(configFile), withoutSecureValues(text, doc.file().endsWith(".json")));
                written.add(new Written(configFile, "file", namespace, name + "/" + doc.key()));
            }
            if (secret) object = redact(object);
            if (secret) secrets.add(object);
            String file = (secret ? "secrets/" : "manifests/") + prefix + "-" + kind.toLowerCase() + "-"
                    + (namespace.isEmpty() ? "" : namespace + "-") + name + ".yaml";
            write(out.resolve(file), Yaml.toYaml(object));
            written.add(new Written(file, kind, namespace, name));
            if (kind.equals("ConfigMap") && object.get("data") instanceof Map<?, ?> data) {
                for (var entry : data.entrySet()) {
                    String configFile = "config/" + name + "/" + entry.getKey();
                    write(out.resolve(configFile), String.valueOf(entry.getValue()));
                    written.add(new Written(configFile, "file", namespace, name + "/" + entry.getKey()));
                }
            }
        }
        if (!secrets.isEmpty()) {
            write(out.resolve(SECRETS_README), secretsReadme(plan.stack(), secrets));
            written.add(new Written(SECRETS_README, "file", "", "secrets"));
        }
        written.sort(Comparator.comparing(Written::path));
        return written;
    }

    public static final String REDACTED = "REDACTED: pulumi up sets this; in GitOps, create it from your secret store";

    /** The document with every value under a {@code secureJsonData} key replaced by {@link #SECURE_VALUE}. */
    static String withoutSecureValues(String text, boolean json) {
        try {
            var tree = (json ? Yaml.JSON : Yaml.YAML).readTree(text);
            replaceSecure(tree);
            return json ? Yaml.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(tree) + "\n" : Yaml.YAML.writeValueAsString(tree);
        } catch (IOException e) {
            throw new UncheckedIOException("a generated Grafana document is not " + (json ? "JSON" : "YAML"), e);
        }
    }

    private static void replaceSecure(com.fasterxml.jackson.databind.JsonNode node) {
        if (node.isObject()) {
            var object = (com.fasterxml.jackson.databind.node.ObjectNode) node;
            var secure = object.get("secureJsonData");
            if (secure != null && secure.isObject()) {
                var keys = new ArrayList<String>();
                secure.fieldNames().forEachRemaining(keys::add);
                keys.forEach(k -> ((com.fasterxml.jackson.databind.node.ObjectNode) secure).put(k, SECURE_VALUE));
            }
            object.elements().forEachRemaining(Renderer::replaceSecure);
        } else if (node.isArray()) {
            node.forEach(Renderer::replaceSecure);
        }
    }

    /**
     * Secret keys whose values are not secret (where to send, the protocol, who you are, the admin login name):
     * a GitOps user needs them verbatim, and they are the same in every environment's store.
     */
    public static final java.util.Set<String> PUBLIC_KEYS = java.util.Set.of("OTEL_EXPORTER_OTLP_ENDPOINT",
            "OTEL_EXPORTER_OTLP_PROTOCOL", "TRACING_TENANT", "admin-user");

    public static final String SECRETS_README = "secrets/README.md";

    /**
     * Every secret value replaced by {@link #REDACTED} (public keys kept), all under stringData: in data the API
     * server would refuse a placeholder (not base64).
     */
    private static Map<String, Object> redact(Map<String, Object> object) {
        var copy = new LinkedHashMap<>(object);
        var redacted = new java.util.TreeMap<String, Object>();
        for (String field : List.of("data", "stringData")) {
            if (copy.remove(field) instanceof Map<?, ?> values) {
                // A public value under data is base64: decoded, so stringData holds it as the text it is.
                boolean base64 = field.equals("data");
                values.forEach((k, v) -> redacted.put(String.valueOf(k), PUBLIC_KEYS.contains(String.valueOf(k))
                        ? (base64 ? new String(java.util.Base64.getDecoder().decode(String.valueOf(v)), java.nio.charset.StandardCharsets.UTF_8) : v)
                        : REDACTED));
            }
        }
        if (!redacted.isEmpty()) copy.put("stringData", redacted);
        return copy;
    }

    /** How to create each redacted Secret from one's own store, next to the files. */
    @SuppressWarnings("unchecked")
    static String secretsReadme(String stack, List<Map<String, Object>> secrets) {
        var sb = new StringBuilder("# Secrets of stack " + stack + "\n\n"
                + "These files are NOT applied by `kubectl apply -f manifests/`: their secret values are redacted, because\n"
                + "offline they would come from placeholders. Create each Secret from your secret store (or apply these\n"
                + "files after filling in the values). Values of " + String.join(", ", new java.util.TreeSet<>(PUBLIC_KEYS))
                + " are kept: they are not secret.\n\n"
                + "Gateway credentials (the `tracing-gateway` Secret of each tenant namespace and `otel-gateway-htpasswd`) derive from\n"
                + "the stack's credentialSeed; print them with\n\n"
                + "    pulumi config get --stack " + stack + " tracing-platform:credentialSeed \\\n"
                + "      | ./platformctl tenant credentials TENANT --stack " + stack + " --seed-file -\n\n");
        for (var s : secrets) {
            var meta = (Map<String, Object>) s.getOrDefault("metadata", Map.of());
            var keys = new java.util.TreeMap<String, Object>();
            for (String field : List.of("data", "stringData")) {
                if (s.get(field) instanceof Map<?, ?> values) values.forEach((k, v) -> keys.put(String.valueOf(k), v));
            }
            sb.append("- `").append(meta.get("namespace")).append('/').append(meta.get("name")).append("`:\n\n")
                    .append("      kubectl create secret generic ").append(meta.get("name")).append(" --namespace ").append(meta.get("namespace"));
            keys.forEach((k, v) -> sb.append(" \\\n        --from-literal=").append(k).append('=')
                    .append(REDACTED.equals(v) ? "\"$VALUE\"" : "'" + v + "'"));
            sb.append("\n\n");
        }
        return sb.toString();
    }

    /** Base64 of gzip, as a Secret's data holds a compressed document, to its text. */
    static String gunzip(String base64) {
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(java.util.Base64.getDecoder().decode(base64)))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("a Secret's gzip'd document is not base64 of gzip", e);
        }
    }

    /** The object as kubectl wants it: apiVersion, kind, metadata first; Pulumi-only keys dropped. */
    static Map<String, Object> manifest(Map<String, Object> inputs) {
        var object = new LinkedHashMap<String, Object>();
        object.put("apiVersion", inputs.get("apiVersion"));
        object.put("kind", inputs.get("kind"));
        object.put("metadata", inputs.get("metadata"));
        inputs.forEach((k, v) -> {
            if (!object.containsKey(k)) object.put(k, v);
        });
        return object;
    }

    private static void prepare(Path out) {
        try {
            if (Files.exists(out)) {
                boolean empty;
                try (Stream<Path> entries = Files.list(out)) {
                    empty = entries.findAny().isEmpty();
                }
                if (!empty && !Files.exists(out.resolve(MARKER))) throw new NotOurDirectoryException(out);
                try (Stream<Path> walk = Files.walk(out)) {
                    for (var p : walk.sorted(Comparator.reverseOrder()).toList()) {
                        if (!p.equals(out)) Files.delete(p);
                    }
                }
            }
            Files.createDirectories(out);
            Files.writeString(out.resolve(MARKER), "written by platformctl render; safe to delete\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + out + ": " + e.getMessage(), e);
        }
    }

    private static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
