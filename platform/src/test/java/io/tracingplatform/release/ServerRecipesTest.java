package io.tracingplatform.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tracingplatform.Reference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The real-server suite's recipes (platform/servers) cannot drift from the release catalog: each release's collector
 * has a builder manifest with exactly its components, at the versions of the upstream distribution of that image.
 */
class ServerRecipesTest {
    static final Path SERVERS = Path.of("platform", "servers");
    static final Pattern GOMOD = io.tracingplatform.real.Servers.GOMOD;

    @Test
    void everyReleaseHasABuilderManifestWithExactlyItsComponents() throws IOException {
        for (var release : ReleaseCatalog.builtIn().all()) {
            String version = release.version("otelcolContrib");
            Path manifest = SERVERS.resolve("otelcol").resolve("manifest-" + version + ".yaml");
            assertTrue(Files.exists(manifest), "release " + release.name() + " pins otelcol-contrib " + version
                    + " but " + manifest + " does not exist: add a builder manifest for it");
            // Every listed component is built, and every module built provides one the release lists (releases with the
            // same collector share a manifest; a module can provide two names, the 0.144+ one and its deprecated alias).
            var listed = new TreeSet<>(release.collectorComponents());
            var provided = new TreeSet<String>();
            for (var module : io.tracingplatform.real.Servers.collectorModules(version).entrySet()) {
                provided.addAll(module.getValue());
                assertTrue(module.getValue().stream().anyMatch(listed::contains), manifest + ": " + module.getKey() + " provides "
                        + module.getValue() + ", none of which release " + release.name() + " lists");
            }
            assertTrue(provided.containsAll(listed), manifest + ": release " + release.name() + " lists "
                    + listed + " but the gomod lines' trailing '# kind/type' comments provide only " + provided);
            assertTrue(Files.readString(manifest).contains("version: " + version), manifest + ": dist.version must be " + version);
        }
    }

    /** Each module at the version the upstream distribution of that image uses, unless the line says why not. */
    @Test
    void manifestModulesAreThoseOfTheUpstreamDistribution() throws IOException {
        for (var release : ReleaseCatalog.builtIn().all()) {
            String version = release.version("otelcolContrib");
            // The upstream manifests are named by release tag: v0.140.0 builds dist 0.140.1.
            Path upstream = Reference.require("otelcol/otelcol-contrib-manifest-v" + version.replaceFirst("\\.\\d+$", ".0") + ".yaml");
            Map<String, String> upstreamModules = modules(Files.readString(upstream));
            var lines = Files.readAllLines(SERVERS.resolve("otelcol").resolve("manifest-" + version + ".yaml"));
            for (int i = 0; i < lines.size(); i++) {
                var m = GOMOD.matcher(lines.get(i));
                if (!m.find() || m.group(3) == null) continue;
                String expected = upstreamModules.get(m.group(1));
                boolean explained = i > 0 && lines.get(i - 1).contains("DEVIATION") || lines.get(Math.max(0, i - 2)).contains("DEVIATION");
                assertTrue(m.group(2).equals(expected) || explained, "manifest-" + version + ".yaml line " + (i + 1) + ": "
                        + m.group(1) + " " + m.group(2) + ", upstream " + expected + " (a different version needs a DEVIATION comment)");
            }
        }
    }

    /**
     * The suite's promtool is Debian's: it must be of the minor line every release's prom/prometheus image is. Its
     * Prometheus server is built from source at exactly the image's version (Debian's lacks the OTLP receiver), and
     * the recipe's go.mod names that release's module version (3.x.y is v0.3xx.y).
     */
    @Test
    void suitesPrometheusIsTheLineTheReleasesPin() throws IOException {
        String pinned = io.tracingplatform.real.Servers.pin("debian/prometheus");
        String server = io.tracingplatform.real.Servers.pin("prometheus");
        for (var release : ReleaseCatalog.builtIn().all()) {
            String image = release.version("prometheus").replaceFirst("^v", "");
            assertEquals(line(image), line(pinned), "release " + release.name() + " pins prom/prometheus:" + image
                    + "; platform/servers/versions.properties pins debian/prometheus " + pinned + ": the minor lines must match");
            assertEquals(image, server, "release " + release.name() + " pins prom/prometheus:" + image
                    + "; platform/servers/versions.properties pins prometheus " + server);
        }
        String[] v = server.split("\\.");
        String module = "v0." + (Integer.parseInt(v[0]) * 100 + Integer.parseInt(v[1])) + "." + v[2];
        assertTrue(Files.readString(SERVERS.resolve("prometheus/go.mod")).contains("github.com/prometheus/prometheus " + module),
                "platform/servers/prometheus/go.mod must require github.com/prometheus/prometheus " + module);
    }

    /**
     * The engine checks build the Pulumi CLI at the suite's pin and the Kubernetes provider at the program's own pin
     * (the plugin version its provider resource asks for): each recipe's go.mod must name that version's module.
     */
    @Test
    void engineRecipesPinWhatTheSuiteAndTheProgramAskFor() throws IOException {
        String cli = io.tracingplatform.real.Servers.pin("pulumi");
        String gomod = Files.readString(SERVERS.resolve("pulumi/go.mod"));
        assertTrue(gomod.contains("github.com/pulumi/pulumi/pkg/v3 " + cli + "\n"), "platform/servers/pulumi/go.mod must require pkg/v3 " + cli);
        assertTrue(gomod.contains("github.com/pulumi/pulumi/sdk/v3 " + cli + "\n"), "platform/servers/pulumi/go.mod must require sdk/v3 " + cli);
        String plugin = io.tracingplatform.Providers.KUBERNETES_PLUGIN;
        String build = Files.readString(SERVERS.resolve("pulumi-resource-kubernetes/build.sh"));
        var commit = Pattern.compile("\\[" + Pattern.quote(plugin) + "\\]=([0-9a-f]{12})").matcher(build);
        assertTrue(commit.find(), "pulumi-resource-kubernetes/build.sh maps no commit for provider " + plugin);
        String providerMod = Files.readString(SERVERS.resolve("pulumi-resource-kubernetes/go.mod"));
        assertTrue(providerMod.contains("-" + commit.group(1) + "\n"), "pulumi-resource-kubernetes/go.mod must pin the commit "
                + commit.group(1) + " of tag v" + plugin);
    }

    static String line(String version) {
        return version.replaceFirst("^(\\d+\\.\\d+).*$", "$1");
    }

    static Map<String, String> modules(String manifest) {
        var out = new LinkedHashMap<String, String>();
        for (String line : manifest.split("\n")) {
            var m = GOMOD.matcher(line);
            if (m.find()) out.put(m.group(1), m.group(2));
        }
        return out;
    }
}
