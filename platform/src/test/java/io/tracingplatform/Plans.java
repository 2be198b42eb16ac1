package io.tracingplatform;

import io.tracingplatform.config.ProjectLayout;
import io.tracingplatform.config.StackFiles;
import io.tracingplatform.offline.OfflineEngine;
import io.tracingplatform.offline.Plan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The repository's own stacks, planned once per test JVM (surefire runs in the repository root). */
public final class Plans {
    public static final ProjectLayout LAYOUT = new ProjectLayout(Path.of(""));
    public static final List<String> STACKS = List.of("local", "dev", "staging", "prod");
    private static final Map<String, Plan> CACHE = new ConcurrentHashMap<>();
    private static final Map<String, Plan> ZONED = new ConcurrentHashMap<>();
    /** The zones the AWS stacks (all in eu-central-1) opt in to in {@link #zonedLayout()}. */
    public static final List<String> ZONES = List.of("eu-central-1a", "eu-central-1b", "eu-central-1c");
    private static TempProject zonedProject;

    private Plans() {}

    public static PlatformInputs inputs(String stack) {
        return App.load(LAYOUT, StackFiles.read(LAYOUT, stack));
    }

    public static Plan of(String stack) {
        return CACHE.computeIfAbsent(stack, s -> OfflineEngine.plan(inputs(s)));
    }

    /**
     * A copy of the project (stack files, templates, example tenants) whose dev, staging and prod stack files opt in
     * to per-zone ingesters ({@code tempo.zones}: {@link #ZONES}), made once per test JVM: the repository's stacks
     * keep one ingester StatefulSet (zones are opt-in), tests of the per-zone ingesters plan these.
     */
    public static synchronized ProjectLayout zonedLayout() {
        if (zonedProject != null) return zonedProject.layout;
        try {
            Path dir = Files.createTempDirectory("tracing-platform-zoned-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
            var project = new TempProject(dir, true);
            for (String stack : List.of("dev", "staging", "prod")) {
                Path file = dir.resolve("stacks/Pulumi." + stack + ".yaml");
                String text = Files.readString(file);
                String tempo = "  tracing-platform:tempo:\n";
                if (!text.contains(tempo) || text.contains("    zones:")) {
                    throw new AssertionError("fixture: " + file + " should have a tempo block without zones");
                }
                Files.writeString(file, text.replace(tempo, tempo + "    zones: [" + String.join(", ", ZONES) + "]\n"));
            }
            zonedProject = project;
            return project.layout;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code stack} (dev, staging or prod) with {@code tempo.zones} set: one ingester StatefulSet per zone. */
    public static PlatformInputs zonedInputs(String stack) {
        var layout = zonedLayout();
        return App.load(layout, StackFiles.read(layout, stack));
    }

    /** The plan of {@link #zonedInputs}, once per test JVM. */
    public static Plan zoned(String stack) {
        return ZONED.computeIfAbsent(stack, s -> OfflineEngine.plan(zonedInputs(s)));
    }

    private static void delete(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is harmless
        }
    }
}
