package io.tracingplatform.release;

import java.util.Map;
import java.util.TreeMap;

/**
 * One platform release: a name ({@code YYYY.MM}) and every image the program deploys.
 *
 * @param name release name, e.g. "2026.11"
 * @param date the day the release was cut (ISO date)
 * @param images component key (tempo, otelcolContrib, grafana, memcached, ...) to full image reference
 * @param collectorComponents "kind/type" of the collector components the pinned otelcol-contrib image has and the
 *     platform may use (e.g. "processor/tail_sampling")
 * @param facts what matters to this platform about the pinned versions (shown by upgrade plan)
 */
public record Release(String name, String date, Map<String, String> images, java.util.List<String> collectorComponents,
                      java.util.List<String> facts) {
    public Release {
        images = Map.copyOf(new TreeMap<>(images));
        collectorComponents = collectorComponents == null ? java.util.List.of() : java.util.List.copyOf(collectorComponents);
        facts = facts == null ? java.util.List.of() : java.util.List.copyOf(facts);
    }

    /** The pinned image of a component; a missing pin is a catalog bug, so it fails loudly with the key. */
    public String image(String component) {
        var image = images.get(component);
        if (image == null) {
            throw new IllegalStateException("release " + name + " pins no image for '" + component
                    + "' (io/tracingplatform/release/releases.yaml); pinned: " + images.keySet());
        }
        return image;
    }

    /** The tag of a component's image ("grafana/tempo:2.10.8" gives "2.10.8"). */
    public String version(String component) {
        var image = image(component);
        return image.substring(image.lastIndexOf(':') + 1);
    }
}
