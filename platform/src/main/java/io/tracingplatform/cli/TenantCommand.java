package io.tracingplatform.cli;

import io.tracingplatform.App;
import io.tracingplatform.config.Durations;
import io.tracingplatform.config.ModelNumbers;
import io.tracingplatform.config.Problem;
import io.tracingplatform.config.ProjectLayout;
import io.tracingplatform.config.StackFiles;
import io.tracingplatform.config.StackSettings;
import io.tracingplatform.config.TenantPolicy;
import io.tracingplatform.tenants.ModelValidator;
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
                TenantCommand.Schema.class, TenantCommand.Credentials.class})
final class TenantCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: new, validate, list, schema or credentials.");
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
        @Option(names = "--namespace", paramLabel = "NS", description = "Kubernetes namespace the team runs in; repeat for more (default: the id).")
        List<String> namespaces = new ArrayList<>();
        @Option(names = "--retention", description = "Trace retention in the template's environment, e.g. 14d (default: the template's).")
        String retention;
        @Option(names = "--language", description = "Zero-code instrumentation language; repeat for more: ${COMPLETION-CANDIDATES}.",
                completionCandidates = Languages.class)
        List<String> languages = new ArrayList<>();
        @Option(names = "--viewer", paramLabel = "GROUP", description = "SSO group with Viewer in the team's Grafana organisation; repeatable.")
        List<String> viewers = new ArrayList<>();
        @Option(names = "--editor", paramLabel = "GROUP", description = "SSO group with Editor; repeatable.")
        List<String> editors = new ArrayList<>();

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
                if (!c.matches(TenantModel.EMAIL_PATTERN)) throw new Main.UserError("--contact '" + c + "' is not an e-mail address.", "--contact", null);
            }
            Path target = layout.tenantsDir().resolve(id + ".yaml");
            if (Files.exists(target)) {
                throw new Main.ProblemsFound(layout.display(target) + " already exists; edit it instead.",
                        List.of(new Problem(layout.display(target), io.tracingplatform.yaml.Location.UNKNOWN, "id",
                                "already exists.", "edit it, or choose another id.")));
            }
            String text = scaffold(Files.readString(layout.templatesDir().resolve("tenant.yaml")));
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            // Checked as if written, against every other tenant file and every stack; nothing is written on a problem.
            // The template's placeholders are expected in a scaffold (validate refuses them until a person fills them in).
            var checked = TenantLoader.check(layout, List.of(), policies(layout), Map.of(target, bytes));
            var placeholders = checked.problems().stream().filter(p -> p.message().endsWith(ModelValidator.PLACEHOLDER)).toList();
            var problems = checked.problems().stream().filter(p -> !placeholders.contains(p)).toList();
            if (!problems.isEmpty()) {
                // The draft was never written: name the problems by field, not by a file:line that does not exist.
                var err = spec.commandLine().getErr();
                err.println("Nothing written to " + layout.display(target) + ":");
                var unwritten = new ArrayList<Problem>();
                for (var p : problems) {
                    String fix = p.field().contains("instrumentation.namespaces")
                            ? "pass --namespace NAME (repeatable) with namespaces your team runs in. (" + p.fix() + ")" : p.fix();
                    var q = new Problem(layout.display(target) + " (not written)", io.tracingplatform.yaml.Location.UNKNOWN,
                            p.field(), p.message(), fix);
                    unwritten.add(q);
                    err.println("  " + q.field() + ": " + q.message() + " Fix: " + q.fix());
                }
                throw new Main.ProblemsFound(problems.size() + " problem(s); nothing written.", unwritten);
            }
            Files.createDirectories(target.getParent());
            Files.write(target, bytes, StandardOpenOption.CREATE_NEW);
            var out = spec.commandLine().getOut();
            var toFill = placeholders.stream().map(Problem::field).toList();
            if (common.json()) {
                var json = new LinkedHashMap<String, Object>();
                json.put("file", layout.display(target));
                json.put("id", id);
                json.put("placeholders", toFill);
                out.println(Yaml.toOutputJson(json));
            } else {
                out.println("Wrote " + layout.display(target) + ". Next: edit it (environments, namespaces, groups)"
                        + (toFill.isEmpty() ? "" : ", replace the template's placeholders in " + String.join(", ", toFill)
                                + " (validate refuses them; or pass --cost-center and --contact)")
                        + ", run ./platformctl tenant validate, and open a pull request.");
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
                text = text.replace("  - " + TenantModel.PLACEHOLDER_CONTACT + "\n",
                        String.join("", contacts.stream().map(c -> "  - " + c + "\n").toList()));
            }
            if (retention != null) text = replaceNested(text, "retention", retention);
            if (!languages.isEmpty()) text = replaceNested(text, "languages", flow(languages));
            if (!viewers.isEmpty()) text = replaceNested(text, "viewers", flow(viewers));
            if (!editors.isEmpty()) text = replaceNested(text, "editors", flow(editors));
            // The contact placeholder stays as it is, so validate recognises an unedited scaffold.
            return text.replace("[my-team]", flow(namespaces.isEmpty() ? List.of(id) : namespaces));
        }

        static String flow(List<String> values) {
            return "[" + String.join(", ", values.stream().map(New::quote).toList()) + "]";
        }

        /** Replaces the value of the first indented {@code key:} line, keeping its trailing comment. */
        static String replaceNested(String text, String key, String value) {
            Matcher m = Pattern.compile("(?m)^(\\s+)" + key + ": (\\S[^#\\n]*?)(\\s+#.*)?$").matcher(text);
            if (!m.find()) throw new IllegalStateException("templates/tenant.yaml has no '" + key + ":' line");
            return text.substring(0, m.start()) + m.group(1) + key + ": " + value + (m.group(3) == null ? "" : m.group(3))
                    + text.substring(m.end());
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
            // Notes are not problems: stderr, so the JSON list on stdout stays the list of problems.
            checked.notes().forEach(n -> spec.commandLine().getErr().println("note: " + n.describe()));
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
                    m.put("samplingRules", samplingJson(s.sampling()));
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

    /** The sampling rules as values ({@code sampling} stays the human summary). */
    static Map<String, Object> samplingJson(io.tracingplatform.config.Sampling s) {
        var m = new LinkedHashMap<String, Object>();
        m.put("enabled", s.enabled());
        m.put("keepErrors", s.keepErrors());
        m.put("keepSlowerThan", s.keepSlowerThan().map(Durations::human).orElse(null));
        m.put("keepSlowerThanMs", s.keepSlowerThan().map(java.time.Duration::toMillis).orElse(null));
        m.put("keepPercent", s.keepPercent());
        return m;
    }

    /** Languages for completion and help. */
    static final class Languages extends ArrayList<String> {
        Languages() {
            super(TenantModel.LANGUAGES);
        }
    }

    @Command(name = "credentials", description = "Print a tenant's gateway credential (and the previous one while a rotation "
            + "window is open, with its last day) and the gateway's htpasswd entries, derived from the stack's credentialSeed, "
            + "for those who create Secrets from their own store (GitOps).")
    static final class Credentials implements Callable<Integer> {
        static final String SEED_ENV = "TRACING_PLATFORM_CREDENTIAL_SEED";
        @Mixin CommonOptions common;
        @Spec CommandSpec spec;
        @Parameters(index = "0", paramLabel = "ID", description = "Tenant id.") String id;
        @Option(names = "--stack", required = true, description = "Stack (environment) name.") String stack;
        @Option(names = "--seed-file", paramLabel = "FILE", description = "File holding the seed ('-': standard input), e.g. "
                + "from 'pulumi config get --stack S tracing-platform:credentialSeed'. Default: $" + SEED_ENV + ".")
        Path seedFile;

        @Override
        public Integer call() throws IOException {
            String seed = seed();
            var layout = common.layout();
            var settings = StackSettings.parse(StackFiles.read(layout, stack));
            var tenants = TenantLoader.load(layout, stack, App.policies(layout, settings));
            var ids = tenants.stream().map(io.tracingplatform.tenants.Tenant::id).toList();
            if (!ids.contains(id)) {
                throw new Main.UserError("tenant '" + id + "' does not join stack " + stack + "; tenants there: "
                        + (ids.isEmpty() ? "none" : String.join(", ", ids)) + ".", "ID", null);
            }
            // The CLI's one reading of the clock, as App.load does for the program: which generations the gateway accepts.
            var window = io.tracingplatform.collector.CredentialWindow.of(settings.gateway(), App.today());
            int generation = window.generation();
            String endpoint = io.tracingplatform.collector.GatewayCluster.endpoint(settings.kubernetes().namespace());
            String username = io.tracingplatform.collector.GatewayCredentials.username(id, generation);
            String password = io.tracingplatform.collector.GatewayCredentials.password(seed, id, generation);
            var environment = io.tracingplatform.collector.GatewayCredentials.sdkEnvironment(endpoint, id, password, settings.gateway());
            String htpasswd = io.tracingplatform.collector.GatewayCredentials.htpasswd(seed, ids, window);
            var namespaces = tenants.stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow().settings().namespaces();
            String until = window.previousUntil().map(java.time.LocalDate::toString).orElse(null);
            var out = spec.commandLine().getOut();
            if (common.json()) {
                var json = new LinkedHashMap<String, Object>();
                json.put("tenant", id);
                json.put("stack", stack);
                json.put("generation", generation);
                json.put("username", username);
                json.put("password", password);
                json.put("secretName", io.tracingplatform.tenants.TenantAccess.SECRET);
                json.put("namespaces", namespaces);
                json.put("secretData", environment);
                json.put("htpasswdSecret", Map.of("namespace", settings.kubernetes().namespace(),
                        "name", io.tracingplatform.collector.GatewayCluster.HTPASSWD_SECRET, "key", "htpasswd"));
                json.put("htpasswd", htpasswd);
                json.put("previousCredentialUntil", until);
                json.put("previous", window.previous().map(p -> {
                    var prev = new LinkedHashMap<String, Object>();
                    prev.put("generation", p);
                    prev.put("username", io.tracingplatform.collector.GatewayCredentials.username(id, p));
                    prev.put("password", io.tracingplatform.collector.GatewayCredentials.password(seed, id, p));
                    prev.put("acceptedThrough", until);
                    return prev;
                }).orElse(null));
                out.println(Yaml.toOutputJson(json));
                return Main.OK;
            }
            out.println("# Tenant " + id + " in stack " + stack + " (credential generation " + generation + ").");
            out.println("# Current credential: user " + username + ", password " + password);
            window.previous().ifPresentOrElse(p -> out.println("# Previous credential (generation " + p + "), still accepted through "
                            + until + " (UTC), until the first pulumi up after that day: user "
                            + io.tracingplatform.collector.GatewayCredentials.username(id, p) + ", password "
                            + io.tracingplatform.collector.GatewayCredentials.password(seed, id, p)),
                    () -> {
                        if (until != null) out.println("# Previous credential (generation " + (generation - 1) + "): its window ended "
                                + until + "; the first pulumi up after that day removes it from the gateway.");
                    });
            out.println("# Secret '" + io.tracingplatform.tenants.TenantAccess.SECRET + "' in each of its namespaces ("
                    + String.join(", ", namespaces) + "):");
            environment.forEach((k, v) -> out.println(k + "=" + v));
            out.println();
            out.println("# Secret '" + io.tracingplatform.collector.GatewayCluster.HTPASSWD_SECRET + "' in namespace "
                    + settings.kubernetes().namespace() + ", key 'htpasswd' (every tenant of the stack):");
            out.print(htpasswd);
            return Main.OK;
        }

        String seed() throws IOException {
            String value;
            if (seedFile != null) {
                value = seedFile.toString().equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                        : Files.readString(seedFile);
            } else {
                value = System.getenv(SEED_ENV);
            }
            if (value == null || value.isBlank()) {
                throw new Main.UserError("no credential seed: set $" + SEED_ENV + " or pass --seed-file FILE ('-' for standard input).",
                        "--seed-file", "pulumi config get --stack " + stack + " tracing-platform:credentialSeed | ./platformctl tenant credentials "
                                + id + " --stack " + stack + " --seed-file -");
            }
            return value.strip();
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
