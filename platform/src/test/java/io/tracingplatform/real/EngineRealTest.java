package io.tracingplatform.real;

import static io.tracingplatform.real.Checks.ACCEPT;
import static io.tracingplatform.real.Checks.REJECT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pulumi.Context;
import com.pulumi.automation.LocalWorkspace;
import com.pulumi.automation.LocalWorkspaceOptions;
import com.pulumi.automation.OperationType;
import com.pulumi.automation.PreviewOptions;
import com.pulumi.automation.UpOptions;
import com.pulumi.automation.UpdateState;
import com.pulumi.automation.WorkspaceStack;
import com.pulumi.automation.events.EngineEvent;
import io.tracingplatform.App;
import io.tracingplatform.Providers;
import io.tracingplatform.config.ProjectLayout;
import io.tracingplatform.config.StackFiles;
import io.tracingplatform.offline.OfflineEngine;
import io.tracingplatform.offline.Plan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The real Pulumi engine runs the real program: {@code pulumi up} of the local stack with the Pulumi CLI v3 built
 * from its Go module ({@code platform/servers/pulumi}), the Kubernetes provider plugin built from its Go module at
 * the program's pin ({@link Providers#KUBERNETES_PLUGIN}), against a real kube-apiserver on a real etcd. The Java
 * SDK's Automation API serves the language runtime from this JVM (an inline program running {@link App#program}
 * with the config the engine hands it), so no separate Java language host is involved; everything from the engine
 * down is the real thing. No AWS: the local stack registers no AWS resource, and automatic plugin acquisition is
 * off, so a stray provider would fail the run instead of being downloaded.
 * <p>
 * Scenario: up; up again (no changes); one tenant file changed (exactly the resources the offline plans say
 * differ change, no stateful resource is replaced); destroy (retained objects stay, the rest is gone).
 */
@Tag("real")
class EngineRealTest {
    static final Path WORK = Path.of("platform", "target", "real", "engine").toAbsolutePath();
    static final String STACK = "local";
    static final String PROGRAM = "pulumi";
    static final String TENANT = "webshop";
    static final List<String> CHECKS = List.of("engine.up", "engine.up.urns", "engine.idempotent",
            "engine.idempotent.control", "engine.tenant-change", "engine.tenant-change.stateful", "engine.destroy.retained", "engine.destroy.removed");
    /** Kinds whose replacement loses data or identity (volumes, queues, buckets). */
    static final Set<String> STATEFUL = Set.of("kubernetes:apps/v1:StatefulSet", "kubernetes:core/v1:PersistentVolumeClaim",
            "kubernetes:core/v1:Namespace", "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2");

    @Test
    void pulumiUpIdempotentTenantChangeDestroy() throws Exception {
        String version = Servers.pin(PROGRAM);
        Path cli;
        Path provider;
        try {
            cli = Servers.bin(PROGRAM, version, "pulumi");
            provider = Servers.bin("pulumi-resource-kubernetes", Providers.KUBERNETES_PLUGIN, "pulumi-resource-kubernetes");
        } catch (Servers.Unavailable e) {
            for (String check : CHECKS) Checks.notRun(check, PROGRAM, version, STACK, "pulumi up --stack local", e.getMessage());
            return;
        }
        delete(WORK);
        Files.createDirectories(WORK);
        // The Automation API runs `pulumi` from this JVM's PATH; the real profile puts WORK/bin first on it.
        Path bin = Files.createDirectories(WORK.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("pulumi"), cli.toAbsolutePath());
        String path = System.getenv().getOrDefault("PATH", "");
        assertTrue(List.of(path.split(":")).contains(bin.toString()),
                "the real profile must put " + bin + " first on PATH (platform/pom.xml); PATH is " + path);

        Path project = copyProject(WORK.resolve("project"));
        var layout = new ProjectLayout(project);
        // No nodes run pods here, so nothing would ever become ready: the stack's own switch for that case.
        Path stackFile = layout.stackFile(STACK);
        String block = "  tracing-platform:kubernetes:\n";
        String text = Files.readString(stackFile);
        assertTrue(text.contains(block), "fixture: " + stackFile);
        Files.writeString(stackFile, text.replace(block, block + "    skipAwait: true\n"));
        var inputs = App.load(layout, StackFiles.read(layout, STACK));
        String context = inputs.settings().kubernetes().context().orElse("engine");

        try (var etcd = Etcd.start(WORK);
             var api = KubeApi.start(Servers.bin("kube-apiserver", KubernetesRealTest.version(), "kube-apiserver"),
                     etcd.url, "/registry-engine", WORK.resolve("kube"));
             var gc = api.garbageCollector(Servers.bin("kube-apiserver", KubernetesRealTest.version(), "kube-controller-manager"),
                     WORK.resolve("kube"))) {
            var crdProblems = api.installCrds(Servers.home("crds", Servers.pin("crds")).resolve("crds"));
            assertEquals(List.of(), crdProblems, "CRDs");
            // Teams own their namespaces; the platform writes into them.
            for (var tenant : inputs.tenants()) {
                for (String ns : tenant.settings().namespaces()) {
                    var r = api.post("/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + ns + "\"}}");
                    assertTrue(r.ok() || r.status() == 409, "namespace " + ns + ": " + r.status() + " " + r.message());
                }
            }
            Path kubeconfig = api.kubeconfig(WORK.resolve("kubeconfig"), context);
            Path home = Files.createDirectories(WORK.resolve("pulumi-home"));
            Path state = Files.createDirectories(WORK.resolve("state"));
            var env = new TreeMap<String, String>(Map.of(
                    "PULUMI_HOME", home.toString(),
                    "PULUMI_BACKEND_URL", "file://" + state,
                    "PULUMI_CONFIG_PASSPHRASE", "engine-check",
                    "PULUMI_SKIP_UPDATE_CHECK", "true",
                    "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION", "true",
                    "KUBECONFIG", kubeconfig.toString()));
            var install = cli(env, List.of("plugin", "install", "resource", "kubernetes", "v" + Providers.KUBERNETES_PLUGIN,
                    "--file", provider.toAbsolutePath().toString()));
            assertEquals(0, install.code(), "plugin install: " + install.tail(20));

            Consumer<Context> program = ctx -> App.program(ctx, App.loadFromEngine(ctx, layout));
            // The project's own Pulumi.yaml (name, stackConfigDir) is the workspace's; the program runs inline.
            var workspace = LocalWorkspace.create(LocalWorkspaceOptions.builder().workDir(project).program(program)
                    .pulumiHome(home).environmentVariables(env).pulumiCommand(new JsonCompatibleCli()).build());
            var stack = WorkspaceStack.createOrSelect(STACK, workspace);
            // As an operator would (runbooks/deploy-an-environment.md, "Secrets"): the engine encrypts it into the
            // stack file and decrypts it for the program.
            stack.setConfig("tracing-platform:credentialSeed", new com.pulumi.automation.ConfigValue(
                    java.util.HexFormat.of().formatHex(new java.security.SecureRandom().generateSeed(32)), true));
            var log = new StringBuilder();
            Consumer<String> out = line -> log.append(line).append('\n');
            var failures = new ArrayList<String>();

            // 1. up: every resource the offline plan has, created; the URNs are the plan's.
            var offline = OfflineEngine.plan(inputs);
            var first = up(stack, out, new ArrayList<>());
            boolean upOk = first.summary().result() == UpdateState.SUCCEEDED;
            int created = first.summary().resourceChanges().getOrDefault(OperationType.CREATE, 0);
            var engineUrns = urns(stack);
            var planUrns = offline.resources().stream().map(Plan.PlannedResource::urn).collect(Collectors.toCollection(TreeSet::new));
            judge(failures, "engine.up", PROGRAM, version, STACK, "pulumi up (empty state, skipAwait)", ACCEPT,
                    upOk && created > 0, first.summary().resourceChanges() + (upOk ? "" : " " + tail(log, 30)));
            var missing = new TreeSet<>(planUrns);
            missing.removeAll(engineUrns);
            var extra = new TreeSet<>(engineUrns);
            extra.removeAll(planUrns);
            extra.removeIf(u -> u.contains("::pulumi:pulumi:Stack::") || u.contains("::pulumi:providers:"));
            judge(failures, "engine.up.urns", PROGRAM, version, STACK, "engine state URNs = offline plan URNs", ACCEPT,
                    missing.isEmpty() && extra.isEmpty(), engineUrns.size() + " in state; only in plan " + missing + "; only in state " + extra);
            assertTrue(api.get("/api/v1/namespaces/" + inputs.settings().kubernetes().namespace()).ok(), "namespace created");

            // 2. up again: nothing to do (preview says so, and up with --expect-no-changes succeeds).
            var preview = stack.preview(PreviewOptions.builder().onStandardOutput(out).build());
            var changes = changes(preview.changeSummary());
            var again = stack.up(UpOptions.builder().expectNoChanges(true).onStandardOutput(out).build());
            judge(failures, "engine.idempotent", PROGRAM, version, STACK, "second pulumi up", ACCEPT,
                    changes.isEmpty() && again.summary().result() == UpdateState.SUCCEEDED,
                    "preview " + preview.changeSummary() + "; up " + again.summary().resourceChanges());

            // 3. one tenant file changes: the engine changes what the offline plans say differs, and replaces no
            // stateful resource.
            Path tenantFile = layout.tenantsDir().resolve(TENANT + ".yaml");
            String tenantText = Files.readString(tenantFile);
            String from = "  local:\n";
            assertTrue(tenantText.contains(from), "fixture: " + tenantFile);
            Files.writeString(tenantFile, tenantText.replace(from, from + "    retention: 3d\n"));
            // Negative control: the same "no changes" expectation must fail now that a tenant file differs.
            String refused;
            try {
                stack.preview(PreviewOptions.builder().expectNoChanges(true).onStandardOutput(out).build());
                refused = null;
            } catch (com.pulumi.automation.AutomationException e) {
                refused = e.getMessage();
            }
            judge(failures, "engine.idempotent.control", PROGRAM, version, STACK,
                    "preview --expect-no-changes after a tenant file changed", REJECT, refused == null,
                    refused == null ? "preview reported no changes" : Proc.tail(refused, 3));
            var changedInputs = App.load(layout, StackFiles.read(layout, STACK));
            var expected = differing(offline, OfflineEngine.plan(changedInputs));
            var events = new ArrayList<EngineEvent>();
            var third = up(stack, out, events);
            var steps = new TreeMap<String, String>();
            for (var e : events) {
                if (e.resourcePreEvent() == null) continue;
                var m = e.resourcePreEvent().metadata();
                if (m.op() != OperationType.SAME && m.op() != OperationType.READ) steps.merge(m.urn(), m.op().name(), (a, b) -> a + "," + b);
            }
            var changed = new TreeSet<>(steps.keySet());
            changed.removeIf(u -> u.contains("::pulumi:pulumi:Stack::"));
            var stateful = steps.entrySet().stream()
                    .filter(s -> s.getValue().contains("REPLACE") && STATEFUL.stream().anyMatch(t -> s.getKey().contains("::" + t + "::")))
                    .map(Map.Entry::getKey).toList();
            judge(failures, "engine.tenant-change", PROGRAM, version, STACK, TENANT + ".yaml local retention 3d", ACCEPT,
                    third.summary().result() == UpdateState.SUCCEEDED && changed.equals(expected) && !expected.isEmpty(),
                    "engine changed " + steps + "; offline plans differ in " + expected);
            judge(failures, "engine.tenant-change.stateful", PROGRAM, version, STACK, TENANT + ".yaml local retention 3d", ACCEPT,
                    stateful.isEmpty(), stateful.isEmpty() ? "no stateful resource replaced" : "replaced: " + stateful);

            // 4. destroy: retained objects stay in the cluster (and their namespace with them), the rest is gone.
            var before = offline.resources().stream().filter(Plan.PlannedResource::isKubernetesObject).toList();
            var destroyed = stack.destroy(com.pulumi.automation.DestroyOptions.builder().onStandardOutput(out).build());
            var keptWrongly = new ArrayList<String>();
            var lost = new ArrayList<String>();
            for (var r : before) {
                var obj = (com.fasterxml.jackson.databind.node.ObjectNode) KubeApi.parse(
                        io.tracingplatform.yaml.Yaml.JSON.writeValueAsString(r.inputs()));
                var meta = (com.fasterxml.jackson.databind.node.ObjectNode) obj.path("metadata");
                if (!meta.has("namespace")) meta.put("namespace", inputs.settings().kubernetes().namespace()); // the provider's default
                var got = api.get(api.path(obj));
                boolean present = got.ok() && KubeApi.parse(got.body()).path("metadata").path("deletionTimestamp").isMissingNode();
                if (r.retainOnDelete() && !present) lost.add(r.type() + " " + r.name());
                if (!r.retainOnDelete() && present) keptWrongly.add(r.type() + " " + r.name());
            }
            long retained = before.stream().filter(Plan.PlannedResource::retainOnDelete).count();
            judge(failures, "engine.destroy.retained", PROGRAM, version, STACK, "pulumi destroy", ACCEPT,
                    destroyed.summary().result() == UpdateState.SUCCEEDED && lost.isEmpty() && retained > 0,
                    retained + " retained objects; gone: " + lost);
            judge(failures, "engine.destroy.removed", PROGRAM, version, STACK, "pulumi destroy", ACCEPT,
                    keptWrongly.isEmpty(), (before.size() - retained) + " other objects; still there: " + keptWrongly);
            Files.writeString(WORK.resolve("engine.log"), log);
            assertEquals(List.of(), failures, "engine checks; the engine's output is in " + WORK.resolve("engine.log"));
        }
    }

    /** Records a verdict; a wrong one is collected, so every step of the scenario still runs and is recorded. */
    static void judge(List<String> failures, String check, String program, String version, String stack, String input,
                      String expect, boolean accepted, String detail) {
        String failure = Checks.judge(check, program, version, stack, input, expect, accepted, detail);
        if (failure != null) failures.add(failure);
    }

    /**
     * Two reads of the Java SDK 1.36.1's Automation API fail on what CLI 3.274.1 writes, after every up and destroy:
     * {@code pulumi stack history --json} gives structured settings (every setting of ours) an {@code objectValue}
     * beside {@code value}, and {@code pulumi stack output --json} gives a list output (ours: {@code tenants}) as a
     * JSON list; the SDK's model expects strings in both places and the parse fails with "Expected a string but was
     * BEGIN_ARRAY" (the gap pulumi/pulumi#6809 reported for other SDKs' history). This wrapper drops
     * {@code objectValue} ({@code value} holds the same setting as JSON text) and hands non-string outputs over as
     * JSON text, for those two commands only; every other command, the engine included, is the CLI's own.
     */
    static final class JsonCompatibleCli implements com.pulumi.automation.PulumiCommand {
        private final com.pulumi.automation.PulumiCommand cli;

        JsonCompatibleCli() throws com.pulumi.automation.AutomationException {
            this.cli = com.pulumi.automation.LocalPulumiCommand.create();
        }

        @Override
        public com.pulumi.automation.Version version() {
            return cli.version();
        }

        @Override
        public com.pulumi.automation.CommandResult run(List<String> args, com.pulumi.automation.CommandRunOptions options)
                throws com.pulumi.automation.AutomationException {
            var result = cli.run(args, options);
            boolean history = args.contains("history");
            boolean outputs = args.contains("output");
            if (!args.contains("--json") || !(history || outputs) || result.code() != 0) return result;
            try {
                var json = io.tracingplatform.yaml.Yaml.JSON.readTree(result.standardOutput());
                if (history) {
                    for (var update : json) {
                        for (var value : update.path("config")) {
                            if (value instanceof com.fasterxml.jackson.databind.node.ObjectNode o) o.remove("objectValue");
                        }
                    }
                } else if (json instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
                    var names = new ArrayList<String>();
                    o.fieldNames().forEachRemaining(names::add);
                    for (String name : names) {
                        if (o.get(name).isContainerNode()) o.put(name, io.tracingplatform.yaml.Yaml.JSON.writeValueAsString(o.get(name)));
                    }
                }
                return new com.pulumi.automation.CommandResult(result.code(),
                        io.tracingplatform.yaml.Yaml.JSON.writeValueAsString(json), result.standardError());
            } catch (IOException e) {
                throw new com.pulumi.automation.AutomationException(e);
            }
        }
    }

    static com.pulumi.automation.UpResult up(WorkspaceStack stack, Consumer<String> out, List<EngineEvent> events) throws Exception {
        return stack.up(UpOptions.builder().onStandardOutput(out).onStandardError(out).onEvent(events::add).build());
    }

    /** Operations other than "same" in a change summary. */
    static Map<OperationType, Integer> changes(Map<OperationType, Integer> summary) {
        var m = new TreeMap<>(summary);
        m.remove(OperationType.SAME);
        m.values().removeIf(n -> n == 0);
        return m;
    }

    /** URNs of the stack's state. */
    @SuppressWarnings("unchecked")
    static Set<String> urns(WorkspaceStack stack) throws Exception {
        var deployment = stack.exportStack().deployment();
        var out = new TreeSet<String>();
        for (var r : (List<Map<String, Object>>) deployment.getOrDefault("resources", List.of())) out.add(String.valueOf(r.get("urn")));
        return out;
    }

    /** URNs whose inputs, options or presence differ between two offline plans. */
    static Set<String> differing(Plan a, Plan b) {
        Map<String, Plan.PlannedResource> before = a.resources().stream().collect(Collectors.toMap(Plan.PlannedResource::urn, r -> r));
        Map<String, Plan.PlannedResource> after = b.resources().stream().collect(Collectors.toMap(Plan.PlannedResource::urn, r -> r));
        var out = new TreeSet<String>();
        for (var urn : new TreeSet<>(before.keySet()) {{ addAll(after.keySet()); }}) {
            var x = before.get(urn);
            var y = after.get(urn);
            if (x == null || y == null || (x.custom() && !x.inputs().equals(y.inputs()))) out.add(urn);
        }
        return out;
    }

    static Proc.Result cli(Map<String, String> env, List<String> args) throws IOException, InterruptedException {
        var cmd = new ArrayList<String>();
        cmd.add(WORK.resolve("bin").resolve("pulumi").toString());
        cmd.addAll(args);
        var pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        var p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("pulumi " + args + " did not finish within 120 s");
        }
        return new Proc.Result(p.exitValue(), output);
    }

    /** The project files the program reads: Pulumi.yaml, stacks/ (with tenants/) and templates/. */
    static Path copyProject(Path to) throws IOException {
        Path root = Path.of("").toAbsolutePath();
        Files.createDirectories(to);
        Files.copy(root.resolve("Pulumi.yaml"), to.resolve("Pulumi.yaml"));
        for (String dir : List.of("stacks", "templates")) {
            try (var walk = Files.walk(root.resolve(dir))) {
                for (Path p : walk.toList()) {
                    Path target = to.resolve(root.relativize(p).toString());
                    if (Files.isDirectory(p)) Files.createDirectories(target);
                    else Files.copy(p, target);
                }
            }
        }
        return to;
    }

    static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static String tail(CharSequence log, int lines) {
        return Proc.tail(log.toString(), lines);
    }

}
