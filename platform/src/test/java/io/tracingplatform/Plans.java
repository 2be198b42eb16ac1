package io.tracingplatform;

import io.tracingplatform.config.ProjectLayout;
import io.tracingplatform.config.StackFiles;
import io.tracingplatform.offline.OfflineEngine;
import io.tracingplatform.offline.Plan;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The repository's own stacks, planned once per test JVM (surefire runs in the repository root). */
public final class Plans {
    public static final ProjectLayout LAYOUT = new ProjectLayout(Path.of(""));
    public static final List<String> STACKS = List.of("local", "dev", "staging", "prod");
    private static final Map<String, Plan> CACHE = new ConcurrentHashMap<>();

    private Plans() {}

    public static PlatformInputs inputs(String stack) {
        return App.load(LAYOUT, StackFiles.read(LAYOUT, stack));
    }

    public static Plan of(String stack) {
        return CACHE.computeIfAbsent(stack, s -> OfflineEngine.plan(inputs(s)));
    }
}
