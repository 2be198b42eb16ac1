package io.tracingplatform.release;

import java.util.List;

/**
 * A breaking change of an upstream version, as the catalog records it: when it applies, its source, what breaks,
 * what an upgrade must do, and the checks that prove the generated configs already do it.
 *
 * @param id stable identifier
 * @param component the image key of the release it concerns (tempo, otelcolContrib, grafana, ...)
 * @param since the first version of that component with the change
 * @param source where the change is documented
 * @param change what breaks
 * @param action what an upgrade needs
 * @param checks machine checks on the generated configs; all pass means the program handles it
 * @param handledIn the first platform release whose configs handle the change, when that is later than the first
 *     release past {@code since} (a deprecation: releases between keep the old, still accepted form); null otherwise
 */
public record UpgradeRule(String id, String component, String since, String source, String change, String action,
                          List<Check> checks, String handledIn) {
    public UpgradeRule {
        checks = checks == null ? List.of() : List.copyOf(checks);
    }

    /**
     * One check. Kinds: {@code config-equals}, {@code config-not-equals}, {@code config-absent} (a dotted
     * {@code path} in the YAML of ConfigMap {@code configMap}, data key {@code key}), {@code
     * collector-components-absent} ("kind/type" {@code components} used by no collector config), {@code
     * collector-components-draining-only} (the {@code components} appear only as exporters of a collector's drain
     * pipeline, which takes no data), {@code tenant-ids-match} (every tenant id matches {@code pattern}).
     */
    public record Check(String kind, String configMap, String key, String path, String value, List<String> components,
                        String pattern) {}
}
