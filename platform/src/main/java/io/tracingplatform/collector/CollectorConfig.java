package io.tracingplatform.collector;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An OpenTelemetry Collector configuration as a typed, mutable builder. Components are added by id; adding
 * the same id twice with the same settings is a no-op (so concern functions compose in any order, like the
 * OpenTelemetry Helm chart's presets), with different settings an error. Rendered through the one YAML mapper.
 */
public final class CollectorConfig {
    /** A pipeline: receivers, processors in order, exporters. */
    public record Pipeline(List<String> receivers, List<String> processors, List<String> exporters) {}

    /** The component sections of a config, each with the word its errors use. */
    public enum Section {
        EXTENSIONS("extension"), RECEIVERS("receiver"), PROCESSORS("processor"), CONNECTORS("connector"), EXPORTERS("exporter");

        final String kind;

        Section(String kind) {
            this.kind = kind;
        }

        /** Its key in the document ("receivers"). */
        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Map<Section, Map<String, Map<String, Object>>> sections = new java.util.EnumMap<>(Section.class);
    final Map<String, Pipeline> pipelines = new TreeMap<>();
    final List<String> serviceExtensions = new ArrayList<>();
    Map<String, Object> telemetry = Map.of();

    public CollectorConfig() {
        for (Section s : Section.values()) sections.put(s, new TreeMap<>());
    }

    /**
     * Adds a component (an extension is also enabled in service.extensions). The same id with the same settings again
     * is a no-op; with different settings an error.
     */
    public CollectorConfig add(Section section, String id, Map<String, Object> settings) {
        var existing = sections.get(section).putIfAbsent(id, settings);
        if (existing != null && !existing.equals(settings)) {
            throw new IllegalStateException(section.kind + " '" + id + "' added twice with different settings");
        }
        if (section == Section.EXTENSIONS && !serviceExtensions.contains(id)) serviceExtensions.add(id);
        return this;
    }

    /** Sets a component's settings whatever they were (a routing table that grows as concerns add routes). */
    CollectorConfig replace(Section section, String id, Map<String, Object> settings) {
        sections.get(section).put(id, settings);
        return this;
    }

    public CollectorConfig telemetry(Map<String, Object> settings) {
        this.telemetry = settings;
        return this;
    }

    /** The pipeline, created empty when absent. */
    public Pipeline pipeline(String name) {
        return pipelines.computeIfAbsent(name, n -> new Pipeline(new ArrayList<>(), new ArrayList<>(), new ArrayList<>()));
    }

    private static void addOnce(List<String> list, String id) {
        if (!list.contains(id)) list.add(id);
    }

    public CollectorConfig addReceiver(String pipeline, String id) {
        addOnce(pipeline(pipeline).receivers(), id);
        return this;
    }

    public CollectorConfig addExporter(String pipeline, String id) {
        addOnce(pipeline(pipeline).exporters(), id);
        return this;
    }

    /** Appends a processor, once. */
    public CollectorConfig appendProcessor(String pipeline, String id) {
        addOnce(pipeline(pipeline).processors(), id);
        return this;
    }

    /** Puts a processor first (memory_limiter), once. */
    public CollectorConfig prependProcessor(String pipeline, String id) {
        var list = pipeline(pipeline).processors();
        list.remove(id);
        list.add(0, id);
        return this;
    }

    public Map<String, Pipeline> pipelines() {
        return pipelines;
    }

    public Map<String, Map<String, Object>> section(Section section) {
        return sections.get(section);
    }

    /** The document the collector reads. */
    public Map<String, Object> toMap() {
        var doc = new LinkedHashMap<String, Object>();
        for (Section s : Section.values()) {
            var m = sections.get(s);
            // receivers and exporters always (the collector requires them); the others only when used
            if (!m.isEmpty() || s == Section.RECEIVERS || s == Section.EXPORTERS) doc.put(s.key(), m);
        }
        var service = new LinkedHashMap<String, Object>();
        if (!serviceExtensions.isEmpty()) service.put("extensions", List.copyOf(serviceExtensions));
        var p = new TreeMap<String, Object>();
        pipelines.forEach((name, pl) -> {
            var m = new LinkedHashMap<String, Object>();
            m.put("receivers", pl.receivers());
            if (!pl.processors().isEmpty()) m.put("processors", pl.processors());
            m.put("exporters", pl.exporters());
            p.put(name, m);
        });
        service.put("pipelines", p);
        if (!telemetry.isEmpty()) service.put("telemetry", telemetry);
        doc.put("service", service);
        return doc;
    }

    /** The component type of an id ("otlp/payments" is an "otlp"). */
    public static String type(String id) {
        int slash = id.indexOf('/');
        return slash < 0 ? id : id.substring(0, slash);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CollectorConfig c && toMap().equals(c.toMap());
    }

    @Override
    public int hashCode() {
        return Objects.hash(toMap());
    }
}
