package io.tracingplatform.release;

import io.tracingplatform.yaml.Yaml;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** The platform releases shipped with this program, in release order, read from {@code releases.yaml}. */
public final class ReleaseCatalog {
    public static final Pattern NAME = Pattern.compile("20\\d\\d\\.(0[1-9]|1[0-2])");
    private static final String RESOURCE = "releases.yaml";

    private final Map<String, Release> releases;
    private final List<UpgradeRule> rules;

    private ReleaseCatalog(List<Release> list, List<UpgradeRule> rules) {
        this.rules = rules == null ? List.of() : List.copyOf(rules);
        var map = new LinkedHashMap<String, Release>();
        String previous = "";
        for (var release : list) {
            if (!NAME.matcher(release.name()).matches()) {
                throw new IllegalStateException("release name '" + release.name() + "' is not YYYY.MM");
            }
            if (release.name().compareTo(previous) <= 0) {
                throw new IllegalStateException("releases must be listed oldest first; '" + release.name()
                        + "' follows '" + previous + "'");
            }
            previous = release.name();
            map.put(release.name(), release);
        }
        this.releases = map;
        for (var rule : this.rules) {
            if (rule.handledIn() != null && !map.containsKey(rule.handledIn())) {
                throw new IllegalStateException("rule " + rule.id() + " is handled in release '" + rule.handledIn()
                        + "', which the catalog does not list");
            }
        }
    }

    private record CatalogFile(List<Release> releases, List<UpgradeRule> rules) {}

    private static final class Holder {
        static final ReleaseCatalog INSTANCE = load();
    }

    /** The catalog on the class path (loaded once). */
    public static ReleaseCatalog builtIn() {
        return Holder.INSTANCE;
    }

    private static ReleaseCatalog load() {
        try (var in = ReleaseCatalog.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("missing class path resource " + RESOURCE);
            var file = Yaml.YAML.readValue(in, CatalogFile.class);
            return new ReleaseCatalog(file.releases(), file.rules());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the release catalog", e);
        }
    }

    public Optional<Release> find(String name) {
        return Optional.ofNullable(releases.get(name));
    }

    public List<String> names() {
        return new ArrayList<>(releases.keySet());
    }

    public List<Release> all() {
        return new ArrayList<>(releases.values());
    }

    /** Every breaking-change rule, in catalog order. */
    public List<UpgradeRule> rules() {
        return rules;
    }

    /**
     * The rules an upgrade from one release to another crosses: from < since <= to for the rule's component; for a
     * rule a later platform release handles, from < handledIn <= to instead (the upgrade that makes the change; one
     * that only crosses {@code since} keeps the old, still accepted form).
     */
    public List<UpgradeRule> crossing(Release from, Release to) {
        return rules.stream().filter(r -> r.handledIn() != null
                ? from.name().compareTo(r.handledIn()) < 0 && r.handledIn().compareTo(to.name()) <= 0
                : Versions.compare(from.version(r.component()), r.since()) < 0
                        && Versions.compare(r.since(), to.version(r.component())) <= 0).toList();
    }

    /** The rules in force at a release: since <= its version of the rule's component, and at or past handledIn. */
    public List<UpgradeRule> inForce(Release release) {
        return rules.stream().filter(r -> Versions.compare(r.since(), release.version(r.component())) <= 0
                && (r.handledIn() == null || r.handledIn().compareTo(release.name()) <= 0)).toList();
    }

    public Release latest() {
        var all = all();
        return all.get(all.size() - 1);
    }
}
