package io.tracingplatform.offline;

import com.pulumi.core.Output;
import com.pulumi.core.internal.Internal;
import com.pulumi.resources.ComponentResource;
import com.pulumi.resources.Resource;
import com.pulumi.resources.ResourceTransformation;
import java.util.Optional;
import com.pulumi.test.PulumiTest;
import com.pulumi.test.TestOptions;
import com.pulumi.test.TestResult;
import io.tracingplatform.App;
import io.tracingplatform.PlatformInputs;
import io.tracingplatform.config.Secret;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Runs the real program on the Pulumi Java SDK's mock engine ({@link PulumiTest}): same code, no cloud.
 * Used by {@code platformctl plan/render}, the upgrade planner and the tests.
 */
public final class OfflineEngine {
    public static final String PROJECT = "tracing-platform";

    private OfflineEngine() {}

    /** The program failed on the offline engine (a bug, or input that settings validation let through). */
    public static final class ProgramFailedException extends RuntimeException {
        public ProgramFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public static Plan plan(PlatformInputs inputs) {
        var settings = inputs.settings();
        var mocks = new RecordingMocks(
                settings.aws().map(a -> a.accountId()).orElse("000000000000"),
                settings.aws().map(a -> a.region()).orElse("local"));
        // A stack transformation sees every resource's options: the only way to know protect/retainOnDelete.
        var options = new java.util.concurrent.ConcurrentHashMap<String, boolean[]>();
        ResourceTransformation record = args -> {
            options.put(args.resource().pulumiResourceType() + "::" + args.resource().pulumiResourceName(),
                    new boolean[] {args.options().isProtect(), args.options().isRetainOnDelete()});
            return Optional.empty();
        };
        TestResult result;
        var throttle = new RunnerThrottle[1];
        try {
            result = PulumiTest.withMocks(mocks)
                    .withOptions(TestOptions.builder().projectName(PROJECT).stackName(settings.stack())
                            .resourceTransformations(List.of(record)).build())
                    .runTest(ctx -> {
                        // PulumiTest has just (re)set its logger to INFO; the runner reads it from here on.
                        throttle[0] = RunnerThrottle.install(java.util.logging.Logger.getLogger(
                                com.pulumi.test.internal.PulumiTestInternal.class.getName()));
                        App.program(ctx, inputs);
                    });
            if (!result.exceptions().isEmpty()) {
                Exception first = result.exceptions().get(0);
                Throwable root = first;
                while (root.getCause() != null && root.getCause() != root) root = root.getCause();
                throw new ProgramFailedException("the program failed on the offline engine: " + root.getMessage(), first);
            }
            return toPlan(settings.stack(), result, mocks.registered(), options);
        } finally {
            if (throttle[0] != null) throttle[0].close();
            PulumiTest.cleanup();
        }
    }

    private static Plan toPlan(String stack, TestResult result, List<RecordingMocks.Registered> registered,
                               Map<String, boolean[]> options) {
        var parents = new IdentityHashMap<Resource, Resource>();
        for (var r : result.resources()) {
            for (var child : r.pulumiChildResources()) parents.put(child, r);
        }
        var inputsByKey = new HashMap<String, RecordingMocks.Registered>();
        for (var reg : registered) {
            var previous = inputsByKey.put(reg.type() + "::" + reg.name(), reg);
            if (previous != null) {
                throw new IllegalStateException("two resources of type " + reg.type() + " are named " + reg.name()
                        + "; logical names must be unique (Names.child)");
            }
        }
        var resources = new ArrayList<Plan.PlannedResource>();
        for (var r : result.resources()) {
            var parent = parents.get(r);
            var reg = inputsByKey.get(r.pulumiResourceType() + "::" + r.pulumiResourceName());
            boolean custom = !(r instanceof ComponentResource);
            Map<String, Object> inputs = reg == null ? Map.of() : Normalize.map(reg.inputs());
            boolean[] opts = options.getOrDefault(r.pulumiResourceType() + "::" + r.pulumiResourceName(), new boolean[2]);
            resources.add(new Plan.PlannedResource(
                    r.pulumiResourceType(),
                    r.pulumiResourceName(),
                    parent == null ? "" : parent.pulumiResourceName(),
                    parent == null ? "" : parent.pulumiResourceType(),
                    engineUrn(PulumiTest.extractValue(r.urn())),
                    inputs,
                    custom,
                    reg == null || reg.provider() == null ? "" : engineUrn(reg.provider()),
                    opts[0],
                    opts[1]));
        }
        var treeKeys = treeKeys(resources);
        resources.sort(Comparator.comparing((Plan.PlannedResource p) -> treeKeys.get(p))
                .thenComparing(Plan.PlannedResource::type)
                .thenComparing(Plan.PlannedResource::name));
        var outputs = new TreeMap<String, Object>();
        result.outputs().forEach((name, output) -> outputs.put(name, outputValue(output)));
        return new Plan(stack, List.copyOf(resources), outputs);
    }

    /**
     * The URN the real engine gives: the SDK's mock monitor puts the root stack's type in front of every qualified
     * type ({@code ...::pulumi:pulumi:Stack$kubernetes:core/v1:Namespace::...}); the engine leaves the root stack out
     * ({@code ...::tracing-platform:index:TracingPlatform$kubernetes:core/v1:Namespace::...}), as the real-engine
     * check engine.up.urns compares.
     */
    static String engineUrn(String urn) {
        return urn.replace("::pulumi:pulumi:Stack$", "::");
    }

    /** Sort keys that keep a subtree together: the chain of ancestor names from the root. */
    private static Map<Plan.PlannedResource, String> treeKeys(List<Plan.PlannedResource> all) {
        var byName = all.stream().collect(Collectors.toMap(Plan.PlannedResource::name, x -> x, (a, b) -> a));
        var keys = new IdentityHashMap<Plan.PlannedResource, String>();
        for (var r : all) {
            var chain = new ArrayList<String>();
            for (var p = r.parent(); !p.isEmpty(); ) {
                chain.add(0, p);
                var parent = byName.get(p);
                p = parent == null ? "" : parent.parent();
            }
            keys.put(r, String.join("/", chain));
        }
        return keys;
    }

    private static Object outputValue(Output<?> output) {
        // Offline only: the SDK's test API has no public "is secret"; redact rather than print a secret.
        boolean secret = Internal.of(output).isSecret().join();
        if (secret) return Secret.OFFLINE_PLACEHOLDER;
        return Normalize.value(PulumiTest.extractValue(output));
    }
}
