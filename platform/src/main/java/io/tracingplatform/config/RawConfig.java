package io.tracingplatform.config;

import io.tracingplatform.yaml.Location;
import io.tracingplatform.yaml.LocatedYaml;
import java.util.Map;

/**
 * A stack's configuration as one plain map, the form both engines can produce: keys without the
 * {@code tracing-platform:} namespace, values as YAML/JSON gives them (maps, lists, strings, numbers,
 * booleans) and {@link Secret} for secure values.
 *
 * @param stack stack name (local, dev, staging, prod)
 * @param file the stack file as the user knows it, for messages
 * @param values the settings under the project namespace
 * @param document the parsed stack file when read offline (for line numbers), else null
 * @param offline true for the offline engine, which cannot decrypt secrets and so tolerates unset ones
 */
public record RawConfig(String stack, String file, Map<String, Object> values, LocatedYaml.Document document,
                        boolean offline) {
    public static final String NAMESPACE = "tracing-platform";

    public Location at(String path) {
        // Offline the stack file nests everything under config -> "tracing-platform:<key>".
        if (document == null) return Location.UNKNOWN;
        int dot = path.indexOf('.');
        String head = dot < 0 ? path : path.substring(0, dot);
        String rest = dot < 0 ? "" : path.substring(dot);
        return document.at("config." + NAMESPACE + ":" + head + rest);
    }
}
