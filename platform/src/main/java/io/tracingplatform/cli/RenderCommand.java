package io.tracingplatform.cli;

import io.tracingplatform.offline.Renderer;
import io.tracingplatform.yaml.Yaml;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code render --stack S --out DIR}: every Kubernetes object as YAML plus the generated config files. */
@Command(name = "render", description = "Write a stack's Kubernetes objects (kubectl-appliable) and generated config files.")
final class RenderCommand implements Callable<Integer> {
    @Mixin CommonOptions common;
    @Spec CommandSpec spec;

    @Option(names = "--stack", required = true, description = "Stack (environment) name.")
    String stack;

    @Option(names = "--out", required = true, description = "Output directory (created; a previous render there is replaced).")
    Path out;

    @Override
    public Integer call() {
        // Checked before the (slow) plan: a file where the directory belongs is a typo, never something to replace.
        if (java.nio.file.Files.exists(out) && !java.nio.file.Files.isDirectory(out)) {
            throw new Main.UserError("--out " + out + " is a file; render writes a directory of files.", "--out",
                    "--out build/manifests-" + stack + " (a new or empty directory, or an earlier render's).");
        }
        var plan = StackRun.plan(common.layout(), stack);
        java.util.List<Renderer.Written> written;
        try {
            written = Renderer.render(plan, out);
        } catch (Renderer.NotOurDirectoryException e) {
            throw new Main.UserError(e.getMessage());
        }
        var stdout = spec.commandLine().getOut();
        if (common.json()) {
            var json = new LinkedHashMap<String, Object>();
            json.put("stack", stack);
            json.put("out", out.toString());
            json.put("files", written);
            json.put("secrets", written.stream().filter(w -> w.kind().equals("Secret")).toList());
            json.put("secretsReadme", out.resolve(Renderer.SECRETS_README).toString());
            stdout.println(Yaml.toOutputJson(json));
        } else {
            long manifests = written.stream().filter(w -> !w.kind().equals("file")).count();
            stdout.println("Rendered " + manifests + " Kubernetes objects and " + (written.size() - manifests)
                    + " config files for stack " + stack + " into " + out);
            stdout.println("Apply with: kubectl apply -f " + out.resolve("manifests"));
            long secrets = written.stream().filter(w -> w.kind().equals("Secret")).count();
            if (secrets > 0) {
                stdout.println(secrets + " Secrets are in " + out.resolve("secrets") + ", not applied: their secret values are redacted."
                        + " Create them from your secret store; " + out.resolve(Renderer.SECRETS_README) + " says how"
                        + " (./platformctl tenant credentials derives the gateway credentials from the seed).");
            }
        }
        return Main.OK;
    }
}
