package io.tracingplatform.cli;

import io.tracingplatform.offline.Plan;
import io.tracingplatform.yaml.Yaml;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code plan --stack S}: the whole program on the offline engine; resource tree, counts and outputs. */
@Command(name = "plan", description = "Run the program offline and show every resource and output of a stack.")
final class PlanCommand implements Callable<Integer> {
    @Mixin CommonOptions common;
    @Spec CommandSpec spec;

    @Option(names = "--stack", required = true, description = "Stack (environment) name: local, dev, staging, prod.")
    String stack;

    @Override
    public Integer call() {
        var inputs = StackRun.inputs(common.layout(), stack);
        var plan = io.tracingplatform.offline.OfflineEngine.plan(inputs);
        var unset = inputs.settings().unsetSecrets();
        PrintWriter out = spec.commandLine().getOut();
        if (common.json()) {
            var json = toJson(plan);
            json.put("unsetSecrets", unset);
            out.println(Yaml.toOutputJson(json));
        } else {
            printText(plan, out);
            if (!unset.isEmpty()) {
                out.println();
                out.println("Secrets this stack file does not hold yet (placeholders offline; pulumi up needs them):");
                for (String key : unset) {
                    // A seed is any random value; other secrets (database password, OAuth client secret) are given.
                    String value = key.endsWith(":credentialSeed") ? "\"$(openssl rand -hex 32)\"" : "<value>";
                    out.println("  pulumi config set --stack " + stack + " --secret '" + key + "' " + value);
                }
            }
        }
        return Main.OK;
    }

    /** The JSON contract: {"stack","resources":[{"type","name","parent","inputs"}],"outputs"} plus additions. */
    static Map<String, Object> toJson(Plan plan) {
        var json = new LinkedHashMap<String, Object>();
        json.put("stack", plan.stack());
        var resources = new ArrayList<Map<String, Object>>();
        for (var r : plan.resources()) {
            var entry = new LinkedHashMap<String, Object>();
            entry.put("type", r.type());
            entry.put("name", r.name());
            entry.put("parent", r.parent());
            entry.put("inputs", r.inputs());
            entry.put("urn", r.urn());
            if (r.protect()) entry.put("protect", true);
            if (r.retainOnDelete()) entry.put("retainOnDelete", true);
            resources.add(entry);
        }
        json.put("resources", resources);
        json.put("outputs", plan.outputs());
        json.put("counts", counts(plan));
        return json;
    }

    static Map<String, Integer> counts(Plan plan) {
        var counts = new TreeMap<String, Integer>();
        for (var r : plan.resources()) counts.merge(r.type(), 1, Integer::sum);
        return counts;
    }

    static void printText(Plan plan, PrintWriter out) {
        out.println("Stack " + plan.stack() + ": " + plan.resources().size() + " resources");
        out.println();
        var children = new LinkedHashMap<String, List<Plan.PlannedResource>>();
        for (var r : plan.resources()) {
            children.computeIfAbsent(r.parentType() + "::" + r.parent(), k -> new ArrayList<>()).add(r);
        }
        printTree(children, "::", "", out);
        out.println();
        out.println("Resources by type:");
        counts(plan).forEach((type, n) -> out.printf("  %5d  %s%n", n, type));
        out.println();
        out.println("Outputs:");
        plan.outputs().forEach((k, v) -> out.println("  " + k + ": " + v));
    }

    private static void printTree(Map<String, List<Plan.PlannedResource>> children, String parent, String indent,
                                  PrintWriter out) {
        for (var r : children.getOrDefault(parent, List.of())) {
            out.println(indent + r.type() + "  " + r.name());
            printTree(children, r.type() + "::" + r.name(), indent + "  ", out);
        }
    }
}
