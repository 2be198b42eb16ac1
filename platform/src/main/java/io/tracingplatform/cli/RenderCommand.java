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
            stdout.println(Yaml.toOutputJson(json));
        } else {
            long manifests = written.stream().filter(w -> !w.kind().equals("file")).count();
            stdout.println("Rendered " + manifests + " Kubernetes objects and " + (written.size() - manifests)
                    + " config files for stack " + stack + " into " + out);
            stdout.println("Apply with: kubectl apply -f " + out.resolve("manifests"));
        }
        return Main.OK;
    }
}
