package io.tracingplatform.grafana;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracingplatform.yaml.Yaml;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The organisation sync's desired state as the document the sync reads, format {@value #VERSION}.
 *
 * <p>Kubernetes refuses a Secret over 1 MiB of data, and written out per tenant the desired state is about 23 KB a
 * tenant (two dashboards and three data sources each). So the document holds what every tenant organisation has in
 * common once ({@code shared}: data sources and dashboards by uid) and per organisation only a JSON merge patch
 * (RFC 7386) of each data source and dashboard against its shared one: the tenant header, the usage dashboard's
 * limits. The patches are computed, not declared, so whatever else comes to differ per tenant is carried too.
 * The Secret holds the compact JSON, gzip'd ({@link #KEY}); {@code render} writes the same document indented.
 *
 * <pre>
 * {"apiVersion": 2, "managedPrefix": "tp-", "offboardedSuffix": " (offboarded)",
 *  "shared": {"datasources": {uid: data source}, "dashboards": {uid: {"uid", "title", "model"}}},
 *  "organisations": [{"name", "tenant", "datasources": [{"uid", "patch"?}], "dashboards": [{"uid", "patch"?}]}],
 *  "roleMappings": [{"group", "organisation", "role"}]}
 * </pre>
 * An entry's object is {@code mergePatch(shared[uid], patch)} ({@code {}} for a uid not shared). The sync
 * ({@code grafana_org_sync.py}, {@code expand}) refuses any other {@code apiVersion}; {@link #expand} is the same
 * function in Java, for tests and tools.
 */
public final class DesiredStateDocument {
    /** Format version; the sync reads this one only. 1 was every organisation written out whole. */
    public static final int VERSION = 2;
    /** The desired-state Secret's key: the compact document, gzip. */
    public static final String KEY = "desired-state.json.gz";

    private DesiredStateDocument() {}

    /** The document of a desired state (keys of the model sorted, as {@link Yaml#JSON} writes records). */
    static ObjectNode of(GrafanaPlan.DesiredState state) {
        var doc = Yaml.JSON.createObjectNode();
        doc.put("apiVersion", VERSION);
        doc.put("managedPrefix", state.managedPrefix());
        doc.put("offboardedSuffix", state.offboardedSuffix());
        var datasources = new LinkedHashMap<String, JsonNode>();
        var dashboards = new LinkedHashMap<String, JsonNode>();
        state.shared().datasources().forEach(d -> datasources.put(d.uid(), Yaml.JSON.valueToTree(d)));
        state.shared().dashboards().forEach(d -> dashboards.put(d.uid(), tree(d)));
        var shared = doc.putObject("shared");
        datasources.forEach(shared.putObject("datasources")::set);
        dashboards.forEach(shared.putObject("dashboards")::set);
        ArrayNode orgs = doc.putArray("organisations");
        for (var org : state.organisations()) {
            var o = orgs.addObject();
            o.put("name", org.name());
            o.put("tenant", org.tenant());
            var ds = o.putArray("datasources");
            for (var d : org.datasources()) entry(ds, d.uid(), datasources, Yaml.JSON.valueToTree(d), org.name());
            var db = o.putArray("dashboards");
            for (var d : org.dashboards()) entry(db, d.uid(), dashboards, tree(d), org.name());
        }
        doc.set("roleMappings", Yaml.JSON.valueToTree(state.roleMappings()));
        return doc;
    }

    /**
     * A dashboard as {@link Yaml#JSON} writes the record (keys sorted), its model not copied: a model every tenant
     * shares is then the same node as the shared one, and compares equal at once.
     */
    private static ObjectNode tree(GrafanaPlan.Dashboard d) {
        var node = Yaml.JSON.createObjectNode();
        node.set("model", d.model());
        node.put("title", d.title());
        node.put("uid", d.uid());
        return node;
    }

    private static void entry(ArrayNode list, String uid, Map<String, JsonNode> shared, JsonNode whole, String org) {
        var entry = list.addObject();
        entry.put("uid", uid);
        JsonNode base = shared.getOrDefault(uid, Yaml.JSON.createObjectNode());
        JsonNode patch = diff(base, whole, org + "/" + uid);
        if (patch != null) entry.set("patch", patch);
    }

    /**
     * The merge patch that turns {@code base} into {@code target}, or null when they are equal. Arrays are replaced
     * whole (as RFC 7386 does); a null member cannot be written in a merge patch (it means "remove"), so a target
     * that needs one fails loudly, naming where.
     */
    static JsonNode diff(JsonNode base, JsonNode target, String where) {
        if (base == target || base.equals(target)) return null;
        if (!base.isObject() || !target.isObject()) {
            requireNoNullMember(target, where);
            return target;
        }
        var patch = Yaml.JSON.createObjectNode();
        base.fieldNames().forEachRemaining(k -> {
            if (!target.has(k)) patch.putNull(k);
        });
        target.fields().forEachRemaining(e -> {
            JsonNode b = base.get(e.getKey());
            if (b == null) {
                requireNoNullMember(e.getValue(), where + "." + e.getKey());
                patch.set(e.getKey(), e.getValue());
            } else {
                JsonNode p = diff(b, e.getValue(), where + "." + e.getKey());
                if (p != null) patch.set(e.getKey(), p);
            }
        });
        return patch;
    }

    private static void requireNoNullMember(JsonNode value, String where) {
        if (value.isNull()) {
            throw new IllegalStateException("desired state: " + where + " is null where the shared one is not;"
                    + " a merge patch cannot write null (it removes the key)");
        }
        if (value.isObject()) value.fields().forEachRemaining(e -> requireNoNullMember(e.getValue(), where + "." + e.getKey()));
    }

    /** RFC 7386 JSON merge patch: a new value, {@code target} unchanged (parts the patch leaves alone are shared). */
    static JsonNode mergePatch(JsonNode target, JsonNode patch) {
        if (patch == null) return target;
        if (!patch.isObject()) return patch;
        var out = target != null && target.isObject() ? ((ObjectNode) target).deepCopy() : Yaml.JSON.createObjectNode();
        patch.fields().forEachRemaining(e -> {
            if (e.getValue().isNull()) out.remove(e.getKey());
            else out.set(e.getKey(), mergePatch(out.get(e.getKey()), e.getValue()));
        });
        return out;
    }

    /**
     * The document with every organisation written out whole ({@code name, tenant, datasources, dashboards}), as
     * the sync plans from it; refuses another format version.
     */
    public static JsonNode expand(JsonNode doc) {
        int version = doc.path("apiVersion").asInt(-1);
        if (version != VERSION) {
            throw new IllegalArgumentException("desired state: format apiVersion " + doc.path("apiVersion")
                    + ", this program reads " + VERSION + " only");
        }
        var out = Yaml.JSON.createObjectNode();
        out.put("managedPrefix", doc.path("managedPrefix").asText());
        out.put("offboardedSuffix", doc.path("offboardedSuffix").asText());
        var orgs = out.putArray("organisations");
        for (JsonNode org : doc.path("organisations")) {
            var o = orgs.addObject();
            o.put("name", org.path("name").asText());
            o.put("tenant", org.path("tenant").asText());
            for (String kind : new String[] {"datasources", "dashboards"}) {
                var list = o.putArray(kind);
                for (JsonNode e : org.path(kind)) {
                    JsonNode base = doc.path("shared").path(kind).get(e.path("uid").asText());
                    list.add(mergePatch(base == null ? Yaml.JSON.createObjectNode() : base, e.get("patch")));
                }
            }
        }
        out.set("roleMappings", doc.path("roleMappings"));
        return out;
    }

    /** Compact JSON (no indentation): what is hashed and stored. */
    static String compact(JsonNode doc) {
        try {
            return Yaml.JSON.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Secret's value: gzip of the compact JSON, base64 (Kubernetes {@code data}). Deterministic (gzip mtime 0). */
    static String secretData(String compactJson) {
        var bytes = new ByteArrayOutputStream();
        try (var gzip = new GZIPOutputStream(bytes)) {
            gzip.write(compactJson.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    /** The document from a Secret's {@code data} value (base64 of gzip). */
    public static JsonNode fromSecretData(String base64) {
        try (var in = new GZIPInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(base64)))) {
            return Yaml.JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("the desired-state Secret's data is not gzip'd JSON", e);
        }
    }
}
