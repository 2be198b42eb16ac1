package io.tracingplatform.cli;

import io.tracingplatform.App;
import io.tracingplatform.config.Durations;
import io.tracingplatform.config.ModelNumbers;
import io.tracingplatform.config.Problem;
import io.tracingplatform.config.ProjectLayout;
import io.tracingplatform.config.StackFiles;
import io.tracingplatform.config.StackSettings;
import io.tracingplatform.config.TenantPolicy;
import io.tracingplatform.tenants.ReservedIds;
import io.tracingplatform.tenants.SchemaGenerator;
import io.tracingplatform.tenants.TenantLoader;
import io.tracingplatform.tenants.TenantModel;
import io.tracingplatform.yaml.Yaml;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tenant new|validate|list|schema}: self-service onboarding. */
@Command(name = "tenant", description = "Create, validate and list tenant files.",
        subcommands = {TenantCommand.New.class, TenantCommand.Validate.class, TenantCommand.ListTenants.class,
                TenantCommand.Schema.class})
final class TenantCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: new, validate, list or schema.");
    }

    /** Every stack's tenant defaults and caps, from the stack files. */
    static Map<String, TenantPolicy> policies(ProjectLayout layout) {
        return App.policies(layout, java.util.Optional.empty());
    }

    @Command(name = "new", description = "Write stacks/tenants/ID.yaml from templates/tenant.yaml.")
    static final class New implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Spec CommandSpec spec;
        @Parameters(index = "0", paramLabel = "ID", description = "Tenant id: DNS-1123 label, 2 to 40 characters.") String id;
        @Option(names = "--display-name", description = "Team name (default: from the id).") String displayName;
        @Option(names = "--cost-center", description = "Cost center (default: the template's, to be edited).") String costCenter;
        @Option(names = "--contact", description = "Contact e-mail; repeat for more (default: the template's, to be edited).")
        List<String> contacts = new ArrayList<>();

        @Override
        public Integer call() throws IOException {
            var layout = common.layout();
            if (id.length() < TenantModel.ID_MIN || id.length() > TenantModel.ID_MAX || !id.matches(TenantModel.ID_PATTERN)) {
                throw new Main.UserError("'" + id + "' is not a valid tenant id: use a DNS-1123 label of "
                        + TenantModel.ID_MIN + " to " + TenantModel.ID_MAX + " characters (lowercase letters, digits, '-').");
            }
            if (ReservedIds.isReserved(id)) {
                throw new Main.UserError("'" + id + "' is reserved by the platform; choose a team-specific id.");
            }
            for (String c : contacts) {
                if (!c.matches(TenantModel.EMAIL_PATTERN)) throw new Main.UserError("--contact '" + c + "' is not an e-mail address.");
            }
            Path target = layout.tenantsDir().resolve(id + ".yaml");
            if (Files.exists(target)) {
                spec.commandLine().getErr().println("error: " + layout.display(target) + " already exists; edit it instead.");
                return Main.PROBLEMS;
            }
            String text = scaffold(Files.readString(layout.templatesDir().resolve("tenant.yaml")));
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            // Checked as if written, against every other tenant file and every stack; nothing is written on a problem.
            var checked = TenantLoader.check(layout, List.of(), policies(layout), Map.of(target, bytes));
            if (!checked.problems().isEmpty()) {
                checked.problems().forEach(p -> spec.commandLine().getErr().println(p.describe()));
                return Main.PROBLEMS;
            }
            Files.createDirectories(target.getParent());
            Files.write(target, bytes, StandardOpenOption.CREATE_NEW);
            var out = spec.commandLine().getOut();
            if (common.json()) {
                out.println(Yaml.toOutputJson(Map.of("file", layout.display(target), "id", id)));
            } else {
                out.println("Wrote " + layout.display(target) + ". Next: edit it (environments, namespaces, groups), run"
                        + " ./platformctl tenant validate, and open a pull request.");
            }
            return Main.OK;
        }

        String scaffold(String template) {
            String name = displayName != null ? displayName
                    : Character.toUpperCase(id.charAt(0)) + id.substring(1).replace('-', ' ');
            String text = template.replace("# yaml-language-server: $schema=./tenant.schema.json",
                    "# yaml-language-server: $schema=../../templates/tenant.schema.json");
            text = replaceValue(text, "id", id);
            text = replaceValue(text, "displayName", quote(name));
            if (costCenter != null) text = replaceValue(text, "costCenter", quote(costCenter));
            if (!contacts.isEmpty()) {
                text = text.replace("  - my-team@example.com\n",
                        String.join("", contacts.stream().map(c -> "  - " + c + "\n").toList()));
            }
            return text.replace("[my-team]", "[" + id + "]").replace("my-team@example.com", id + "@example.com");
        }

        /** Replaces the value of a top-level key, keeping its trailing comment. */
        static String replaceValue(String text, String key, String value) {
            Matcher m = Pattern.compile("(?m)^" + key + ": (\\S[^#\\n]*?)(\\s+#.*)?$").matcher(text);
            if (!m.find()) throw new IllegalStateException("templates/tenant.yaml has no top-level '" + key + ":' line");
            return text.substring(0, m.start()) + key + ": " + value + (m.group(2) == null ? "" : m.group(2))
                    + text.substring(m.end());
        }

        static String quote(String s) {
            return s.matches("[A-Za-z0-9][A-Za-z0-9 ._-]*") ? s : "'" + s.replace("'", "''") + "'";
        }
    }

    @Command(name = "validate", description = "Check tenant files (default: all); report every problem; exit 1 if any.")
    static final class Validate implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Spec CommandSpec spec;
        @Parameters(paramLabel = "FILE", arity = "0..*", description = "Tenant files (default: stacks/tenants/*.yaml).")
        List<Path> files = new ArrayList<>();

        @Override
        public Integer call() {
            var layout = common.layout();
            var targets = files.isEmpty() ? TenantLoader.files(layout) : files;
            for (Path f : targets) {
                if (!Files.isRegularFile(f)) throw new Main.UserError(f + ": no such file.");
            }
            var checked = TenantLoader.check(layout, targets, policies(layout));
            var out = spec.commandLine().getOut();
            if (common.json()) {
                var list = new ArrayList<Map<String, Object>>();
                for (Problem p : checked.problems()) list.add(json(p));
                out.println(Yaml.toOutputJson(list));
            } else {
                checked.problems().forEach(p -> out.println(p.describe()));
                out.println(targets.size() + " tenant file" + (targets.size() == 1 ? "" : "s") + " checked, "
                        + checked.problems().size() + " problem" + (checked.problems().size() == 1 ? "" : "s") + ".");
            }
            return checked.problems().isEmpty() ? Main.OK : Main.PROBLEMS;
        }

        static Map<String, Object> json(Problem p) {
            var m = new LinkedHashMap<String, Object>();
            m.put("file", p.file());
            m.put("line", p.location().line());
            m.put("column", p.location().column());
            m.put("field", p.field());
            m.put("message", p.message());
            m.put("fix", p.fix());
            return m;
        }
    }

    @Command(name = "list", description = "The tenants of a stack with their resolved settings.")
    static final class ListTenants implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Spec CommandSpec spec;
        @Option(names = "--stack", required = true, description = "Stack (environment) name.") String stack;

        @Override
        public Integer call() {
            var layout = common.layout();
            var settings = StackSettings.parse(StackFiles.read(layout, stack));
            var tenants = TenantLoader.load(layout, stack, App.policies(layout, settings));
            var out = spec.commandLine().getOut();
            if (common.json()) {
                var list = new ArrayList<Map<String, Object>>();
                for (var t : tenants) {
                    var s = t.settings();
                    var m = new LinkedHashMap<String, Object>();
                    m.put("id", t.id());
                    m.put("displayName", t.displayName());
                    m.put("costCenter", t.costCenter());
                    m.put("retention", Durations.human(s.retention()));
                    m.put("rateLimitMBps", s.rateLimitMBps());
                    m.put("burstMB", s.burstMB());
                    m.put("maxTracesPerUser", s.maxTracesPerUser());
                    m.put("maxTraceSizeMB", s.maxTraceSizeMB());
                    m.put("sampling", s.sampling().describe());
                    m.put("namespaces", s.namespaces());
                    m.put("file", t.file());
                    list.add(m);
                }
                out.println(Yaml.toOutputJson(list));
                return Main.OK;
            }
            String format = "%-20s %-24s %-14s %-9s %8s %8s  %s%n";
            out.printf(format, "ID", "DISPLAY NAME", "COST CENTER", "RETENTION", "MB/S", "BURST MB", "SAMPLING");
            for (var t : tenants) {
                var s = t.settings();
                out.printf(format, t.id(), t.displayName(), t.costCenter(), Durations.human(s.retention()),
                        ModelNumbers.fmt(s.rateLimitMBps()), ModelNumbers.fmt(s.burstMB()), s.sampling().describe());
            }
            out.println(tenants.size() + " tenant" + (tenants.size() == 1 ? "" : "s") + " in stack " + stack + ".");
            return Main.OK;
        }
    }

    @Command(name = "schema", description = "Print the tenant file JSON Schema (templates/tenant.schema.json).")
    static final class Schema implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().print(SchemaGenerator.tenantSchema(common.layout().stacks()));
            return Main.OK;
        }
    }
}
