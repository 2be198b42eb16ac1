package io.tracingplatform.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.tracingplatform.App;
import io.tracingplatform.config.RawConfig;
import io.tracingplatform.config.StackFiles;
import io.tracingplatform.offline.OfflineEngine;
import io.tracingplatform.release.Release;
import io.tracingplatform.release.ReleaseCatalog;
import io.tracingplatform.tenants.Tenant;
import io.tracingplatform.upgrade.ClusterCheck;
import io.tracingplatform.upgrade.UpgradePlanner;
import io.tracingplatform.yaml.Yaml;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code upgrade plan} (offline, two releases compared) and {@code upgrade check} (the live cluster). */
@Command(name = "upgrade", description = "Plan a platform release upgrade offline, and check a live cluster before and after.",
        subcommands = {UpgradeCommand.PlanUpgrade.class, UpgradeCommand.Check.class})
final class UpgradeCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: plan or check.");
    }

    static Release release(String name) {
        var catalog = ReleaseCatalog.builtIn();
        return catalog.find(name).orElseThrow(() -> new Main.UserError("'" + name + "' is not a platform release; known: "
                + String.join(", ", catalog.names()) + " (platform/src/main/resources/io/tracingplatform/release/releases.yaml)."));
    }

    @Command(name = "plan", description = "Compare a stack at its release and at another: images, rules, rollout order, "
            + "replacements (stateful ones block: exit 1) and config diffs.")
    static final class PlanUpgrade implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Spec CommandSpec spec;

        @Option(names = "--stack", required = true, description = "Stack (environment) name.")
        String stack;

        @Option(names = "--to", required = true, description = "Target platform release (YYYY.MM).")
        String to;

        @Option(names = "--diff", negatable = true, defaultValue = "true", description = "Show config diffs in text output (default: on).")
        boolean diff;

        @Override
        public Integer call() {
            var layout = common.layout();
            var raw = StackFiles.read(layout, stack);
            var target = release(to);
            var currentInputs = App.load(layout, raw);
            // The same day for both plans: they differ by the release only, never by a rotation window closing between them.
            var from = currentInputs.settings().release();
            var values = new LinkedHashMap<>(raw.values());
            values.put("release", target.name());
            var targetInputs = App.load(layout, new RawConfig(raw.stack(), raw.file(), values, raw.document(), raw.offline()),
                    currentInputs.today());
            var report = UpgradePlanner.compare(stack, from, target, OfflineEngine.plan(currentInputs), OfflineEngine.plan(targetInputs),
                    targetInputs.tenants().stream().map(Tenant::id).toList(), ReleaseCatalog.builtIn());
            PrintWriter out = spec.commandLine().getOut();
            var blockers = report.blockers();
            if (common.json()) {
                var json = new LinkedHashMap<String, Object>();
                json.put("stack", report.stack());
                json.put("from", report.from());
                json.put("to", report.to());
                json.put("direction", report.direction());
                json.put("images", report.images());
                json.put("rules", report.rules());
                json.put("rollout", report.rollout());
                json.put("replacements", report.replacements());
                json.put("configDiffs", report.configDiffs());
                json.put("facts", report.facts());
                json.put("blockers", blockers);
                out.println(Yaml.toOutputJson(json));
            } else {
                print(report, out, diff);
            }
            out.flush();
            if (!blockers.isEmpty()) throw new Main.ProblemsFound(blockers.size() + " blocker(s): this upgrade would lose data or break; see above.");
            return Main.OK;
        }

        static void print(UpgradePlanner.Report r, PrintWriter out, boolean diff) {
            out.println("Upgrade plan for stack " + r.stack() + ": " + r.from() + " -> " + r.to()
                    + (r.direction().equals("rollback") ? " (a rollback)" : ""));
            if (r.from().equals(r.to())) out.println("  (the stack already runs " + r.to() + ": nothing to upgrade)");
            out.println();
            out.println("Images:");
            if (r.images().isEmpty()) out.println("  no image changes");
            r.images().forEach(i -> out.printf("  %-18s %s -> %s%n", i.component(), i.from(), i.to()));
            if (!r.facts().isEmpty()) {
                out.println();
                out.println("About " + r.to() + ":");
                r.facts().forEach(f -> out.println("  - " + f));
            }
            out.println();
            out.println(r.direction().equals("rollback")
                    ? "Breaking changes crossed backwards (their actions say whether " + r.to() + " reads what " + r.from() + " wrote):"
                    : "Breaking changes crossed (release catalog rules):");
            if (r.rules().isEmpty()) out.println("  none");
            for (var rule : r.rules()) {
                out.println("  [" + (rule.handled() ? "handled" : "ACTION REQUIRED") + "] " + rule.id() + " (" + rule.component() + " " + rule.since() + ")");
                out.println("      change: " + rule.change());
                out.println("      action: " + rule.action());
                out.println("      source: " + rule.source());
                rule.failures().forEach(f -> out.println("      not done: " + f));
            }
            out.println();
            out.println("Rollout order (pulumi up rolls each workload with its own strategy; to stage it, run "
                    + "pulumi up --target <urn> per step):");
            if (r.rollout().isEmpty()) out.println("  no workload changes");
            for (var s : r.rollout()) {
                out.println("  " + s.order() + ". " + s.what() + " " + s.resources() + ": " + s.disruption());
                if (!s.urns().isEmpty()) {
                    out.println("     pulumi up --stack " + r.stack() + String.join("", s.urns().stream().map(u -> " --target '" + u + "'").toList()));
                }
            }
            out.println();
            out.println("Replacements the real engine would make:");
            if (r.replacements().isEmpty()) out.println("  none");
            r.replacements().forEach(x -> out.println("  " + (x.stateful() ? "BLOCKER " : "") + x.type() + " " + x.name() + ": " + x.reason()));
            out.println();
            out.println("Generated config changes: " + r.configDiffs().size() + " file(s)");
            for (var d : r.configDiffs()) {
                out.println("  " + d.object() + " " + d.key() + (d.secret() ? " (Secret: content not shown)" : ""));
                if (diff && !d.secret()) d.diff().lines().forEach(l -> out.println("    " + l));
            }
            out.println();
            var blockers = r.blockers();
            out.println(blockers.isEmpty() ? "No blockers." : "BLOCKERS (" + blockers.size() + "):");
            blockers.forEach(b -> out.println("  - " + b));
        }
    }

    @Command(name = "check", description = "Check the live cluster of a stack: workloads ready, images = release, volumes bound, "
            + "no restart loops, ingesters ACTIVE. Exit 1 on any problem.")
    static final class Check implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Spec CommandSpec spec;

        @Option(names = "--stack", required = true, description = "Stack (environment) name.")
        String stack;

        @Option(names = "--kubeconfig", description = "Kubeconfig file (default: $KUBECONFIG or ~/.kube/config).")
        Path kubeconfig;

        @Option(names = "--context", description = "Kubeconfig context (default: the stack's kubernetes.context, else the current one).")
        String context;

        @Override
        public Integer call() {
            var inputs = StackRun.inputs(common.layout(), stack);
            var settings = inputs.settings();
            String ctx = context != null ? context : settings.kubernetes().context().orElse(null);
            var plan = OfflineEngine.plan(inputs);
            List<ClusterCheck.Finding> findings;
            try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config(ctx)).build()) {
                findings = new java.util.ArrayList<>(ClusterCheck.run(client, plan, settings.kubernetes().namespace()));
                findings.addAll(ClusterCheck.prerequisites(client, settings.grafana(), settings.kubernetes().namespace()));
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                Throwable root = e;
                while (root.getCause() != null && root.getCause() != root) root = root.getCause();
                throw new Main.UserError("cannot read the cluster" + (ctx == null ? "" : " (context " + ctx + ")") + ": "
                        + e.getMessage().strip() + (root == e ? "" : " Cause: " + root) + ". Check --kubeconfig and --context.");
            }
            long problems = ClusterCheck.write(findings, stack, settings.release().name(), common.json(), spec.commandLine().getOut());
            if (problems > 0) throw new Main.ProblemsFound(problems + " problem(s) in the live cluster of " + stack + "; see above.");
            return Main.OK;
        }

        Config config(String ctx) {
            Config config;
            if (kubeconfig == null) {
                config = Config.autoConfigure(ctx);
            } else {
                try {
                    config = Config.fromKubeconfig(ctx, Files.readString(kubeconfig), kubeconfig.toString());
                } catch (IOException e) {
                    throw new Main.UserError("cannot read --kubeconfig " + kubeconfig + ": " + e.getMessage());
                }
            }
            // fabric8 falls back to in-cluster defaults for an unknown context; a wrong cluster must not be checked.
            var known = config.getContexts() == null ? List.<String>of() : config.getContexts().stream().map(c -> c.getName()).toList();
            if (ctx != null && !known.contains(ctx)) {
                throw new Main.UserError("context '" + ctx + "' is not in " + (kubeconfig == null ? "the kubeconfig ($KUBECONFIG or ~/.kube/config)" : kubeconfig)
                        + "; known: " + (known.isEmpty() ? "none" : String.join(", ", known)) + ". Pass --kubeconfig F and/or --context C.");
            }
            return config;
        }

    }
}
