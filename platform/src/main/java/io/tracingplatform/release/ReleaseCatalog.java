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

    private ReleaseCatalog(List<Release> list) {
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
    }

    private record CatalogFile(List<Release> releases) {}

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
            return new ReleaseCatalog(file.releases());
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

    public Release latest() {
        var all = all();
        return all.get(all.size() - 1);
    }
}
