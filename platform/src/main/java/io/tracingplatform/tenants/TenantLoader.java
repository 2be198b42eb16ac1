package io.tracingplatform.tenants;

import io.tracingplatform.config.Durations;
import io.tracingplatform.config.InvalidInputException;
import io.tracingplatform.config.ModelNumbers;
import io.tracingplatform.config.Problem;
import io.tracingplatform.config.ProjectLayout;
import io.tracingplatform.config.Sampling;
import io.tracingplatform.config.TenantDefaults;
import io.tracingplatform.config.TenantPolicy;
import io.tracingplatform.yaml.LocatedYaml;
import io.tracingplatform.yaml.Location;
import io.tracingplatform.yaml.YamlProblem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads and checks tenant files. One code path for {@code pulumi up}, {@code platformctl plan/render} and
 * {@code platformctl tenant validate}: every file is checked against the model, then against each other
 * (ids, namespaces) and against each environment's stack (defaults, caps). Loading is all-or-nothing.
 */
public final class TenantLoader {
    private static final Set<String> SYSTEM_NAMESPACES = Set.of("kube-system", "kube-public", "kube-node-lease");

    private TenantLoader() {}

    /** Every tenant file checked: the files that passed the model, and every problem in any file. */
    /**
     * @param notes not errors, but worth saying (a file that joins no environment: fine while offboarding, a
     *     surprise otherwise)
     */
    public record Checked(List<TenantFile> files, List<Problem> problems, Map<String, TenantPolicy> policies, List<Problem> notes) {
        /** The tenants joining {@code stack}, resolved; only meaningful when there are no problems. */
        public List<Tenant> forStack(String stack) {
            var policy = policies.get(stack);
            var tenants = new ArrayList<Tenant>();
            for (var f : files) {
                var env = f.environments().get(stack);
                if (env == null || policy == null) continue;
                tenants.add(new Tenant(f.id(), f.displayName(), f.costCenter(), f.contacts(), f.file(),
                        resolve(env, policy.defaults())));
            }
            tenants.sort(Comparator.comparing(Tenant::id));
            return tenants;
        }
    }

    /** The tenant files of a project (stacks/tenants/*.yaml), sorted. {@code .yml} files are included to be refused. */
    public static List<Path> files(ProjectLayout layout) {
        if (!Files.isDirectory(layout.tenantsDir())) return List.of();
        try (Stream<Path> s = Files.list(layout.tenantsDir())) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return (n.endsWith(".yaml") || n.endsWith(".yml")) && !n.startsWith(".");
            }).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Loads the tenants of one stack, or throws with every problem of every tenant file. */
    public static List<Tenant> load(ProjectLayout layout, String stack, Map<String, TenantPolicy> policies) {
        var checked = check(layout, files(layout), policies);
        if (!checked.problems().isEmpty()) {
            throw new InvalidInputException("Tenant files are invalid (" + checked.problems().size() + " problem"
                    + (checked.problems().size() == 1 ? "" : "s") + "); nothing was deployed:", checked.problems());
        }
        return checked.forStack(stack);
    }

    /**
     * Checks {@code files}; cross-file rules also consider every other tenant file of the project, so a new
     * file that claims an existing namespace fails on its own.
     */
    public static Checked check(ProjectLayout layout, List<Path> files, Map<String, TenantPolicy> policies) {
        return check(layout, files, policies, Map.of());
    }

    /**
     * As {@link #check(ProjectLayout, List, Map)}, with {@code drafts} (path to content) standing in for files
     * not written yet: {@code tenant new} checks its output before writing anything.
     */
    public static Checked check(ProjectLayout layout, List<Path> files, Map<String, TenantPolicy> policies,
                                Map<Path, byte[]> drafts) {
        var problems = new ArrayList<Problem>();
        var stacks = new ArrayList<>(policies.keySet());
        stacks.sort(null);
        var model = TenantModel.file(stacks);
        var requested = new LinkedHashSet<Path>();
        for (var f : files) requested.add(f.toAbsolutePath().normalize());
        var draftContent = new HashMap<Path, byte[]>();
        drafts.forEach((path, bytes) -> {
            var abs = path.toAbsolutePath().normalize();
            requested.add(abs);
            draftContent.put(abs, bytes);
        });
        var all = new LinkedHashSet<>(requested);
        for (var f : files(layout)) all.add(f.toAbsolutePath().normalize());

        var parsed = new ArrayList<TenantFile>();
        var context = new ArrayList<TenantFile>();
        for (var path : all) {
            boolean reported = requested.contains(path);
            var fileProblems = new ArrayList<Problem>();
            var tf = readOne(layout, path, draftContent.get(path), model, fileProblems);
            if (reported) problems.addAll(fileProblems);
            // A file with problems still takes part in the cross-file checks when its id is readable, so
            // one run reports a duplicate id next to a typo in the same file.
            if (tf != null && tf.id() != null) (reported ? parsed : context).add(tf);
        }
        crossChecks(parsed, context, policies, problems);
        var notes = new ArrayList<Problem>();
        for (var f : parsed) {
            if (f.environments().isEmpty() && problems.stream().noneMatch(p -> p.file().equals(f.file()) && p.field().startsWith("environments"))) {
                notes.add(new Problem(f.file(), f.document().at("environments"), "environments", "joins no environment: '"
                        + f.id() + "' gets no credentials, limits or Grafana organisation in any stack (fine while offboarding).",
                        "to join, add a stack under environments, e.g. 'dev: {}' for the stack's defaults; known stacks: "
                                + String.join(", ", stacks) + "."));
            }
        }
        problems.sort(Comparator.comparing(Problem::file).thenComparing(p -> p.location().line())
                .thenComparing(p -> p.location().column()));
        return new Checked(List.copyOf(parsed), List.copyOf(problems), Map.copyOf(policies), List.copyOf(notes));
    }

    @SuppressWarnings("unchecked")
    private static TenantFile readOne(ProjectLayout layout, Path path, byte[] draft, Model.Obj model,
                                      List<Problem> problems) {
        String display = layout.display(path);
        String fileName = path.getFileName().toString();
        if (fileName.endsWith(".yml")) {
            problems.add(new Problem(display, Location.UNKNOWN, "", "has the extension .yml.",
                    "rename it to " + fileName.substring(0, fileName.length() - 4) + ".yaml."));
            return null;
        }
        LocatedYaml.Document doc;
        try {
            doc = draft != null ? LocatedYaml.parse(draft, display) : LocatedYaml.read(path, display);
        } catch (YamlProblem e) {
            problems.add(Problem.of(e));
            return null;
        }
        var values = new ModelValidator(doc, problems).validate(model);
        if (!(values instanceof Map<?, ?> v)) return null;
        var map = (Map<String, Object>) v;
        String id = (String) map.get("id");
        if (id == null && doc.root() instanceof Map<?, ?> rawRoot && rawRoot.get("id") instanceof String rawId) {
            id = rawId; // invalid as an id, but still compared with the others (e.g. 'Payments' vs 'payments')
        }
        String expected = fileName.substring(0, fileName.length() - ".yaml".length());
        if (id != null && problems.stream().noneMatch(p -> p.field().equals("id"))) {
            if (!id.equals(expected)) {
                problems.add(new Problem(display, doc.at("id"), "id", "'" + id + "' does not match the file name '"
                        + fileName + "'.", "name the file " + id + ".yaml, or set id: " + expected + "."));
            }
            if (ReservedIds.isReserved(id)) {
                problems.add(new Problem(display, doc.at("id"), "id", "'" + id + "' is reserved by the platform.",
                        "choose a team-specific id, such as the team's name."));
            }
        }
        var environments = new java.util.LinkedHashMap<String, Map<String, Object>>();
        if (map.get("environments") instanceof Map<?, ?> envs) {
            envs.forEach((k, e) -> environments.put((String) k, (Map<String, Object>) e));
        }
        return new TenantFile(display, doc, id, (String) map.get("displayName"), (String) map.get("costCenter"),
                (List<String>) map.getOrDefault("contacts", List.of()), environments);
    }

    private static void crossChecks(List<TenantFile> reported, List<TenantFile> context,
                                    Map<String, TenantPolicy> policies, List<Problem> problems) {
        var byLowerId = new HashMap<String, TenantFile>();
        var claims = new HashMap<String, TenantFile>(); // "stack/namespace" -> first claimant
        // Files not under review claim first: a new file that takes an existing namespace is the one reported.
        var ordered = new ArrayList<TenantFile>(context);
        ordered.sort(Comparator.comparing(TenantFile::file));
        var review = new ArrayList<TenantFile>(reported);
        review.sort(Comparator.comparing(TenantFile::file));
        ordered.addAll(review);
        for (var f : ordered) {
            boolean report = reported.contains(f);
            if (f.id() != null) {
                var other = byLowerId.putIfAbsent(f.id().toLowerCase(Locale.ROOT), f);
                if (other != null && report) {
                    problems.add(new Problem(f.file(), f.document().at("id"), "id", "'" + f.id()
                            + "' is already the id of " + other.file() + " (ids are compared ignoring case).",
                            "choose another id."));
                }
            }
            for (var env : f.environments().entrySet()) {
                String stack = env.getKey();
                var policy = policies.get(stack);
                String base = "environments." + stack;
                if (report && policy != null) {
                    checkCaps(f, base, env.getValue(), policy, problems);
                    checkMeaning(f, base, env.getValue(), policy, problems);
                }
                for (String ns : namespaces(env.getValue())) {
                    String nsPath = base + ".instrumentation.namespaces";
                    if (report && (SYSTEM_NAMESPACES.contains(ns) || (policy != null && ns.equals(policy.platformNamespace())))) {
                        problems.add(new Problem(f.file(), f.document().at(nsPath), nsPath, "namespace '" + ns
                                + "' belongs to the " + (SYSTEM_NAMESPACES.contains(ns) ? "cluster" : "platform") + ".",
                                "list only the namespaces your team's workloads run in."));
                        continue;
                    }
                    var other = claims.putIfAbsent(stack + "/" + ns, f);
                    if (other != null && other != f && report) {
                        problems.add(new Problem(f.file(), f.document().at(nsPath), nsPath, "namespace '" + ns
                                + "' in " + stack + " is already claimed by tenant '" + other.id() + "' ("
                                + other.file() + ").", "a namespace belongs to one tenant; use your own namespace."));
                    }
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> namespaces(Map<String, Object> env) {
        if (env.get("instrumentation") instanceof Map<?, ?> i && i.get("namespaces") instanceof List<?> l) {
            return (List<String>) l;
        }
        return List.of();
    }

    private static void checkCaps(TenantFile f, String base, Map<String, Object> env, TenantPolicy policy,
                                  List<Problem> problems) {
        var r = resolve(env, policy.defaults());
        var caps = policy.limits();
        String ask = " or ask " + caps.requestMoreFrom() + " to raise the cap.";
        if (r.retention().compareTo(caps.maxRetention()) > 0) {
            problems.add(over(f, base + ".retention", Durations.human(r.retention()), "tenantLimits.maxRetention",
                    Durations.human(caps.maxRetention()), policy, "lower it to " + Durations.human(caps.maxRetention()) + ask));
        }
        cap(f, base + ".ingestion.rateLimitMBps", r.rateLimitMBps(), caps.maxRateLimitMBps(), "tenantLimits.maxRateLimitMBps", policy, ask, problems);
        cap(f, base + ".ingestion.burstMB", r.burstMB(), caps.maxBurstMB(), "tenantLimits.maxBurstMB", policy, ask, problems);
        cap(f, base + ".ingestion.maxTracesPerUser", r.maxTracesPerUser(), caps.maxTracesPerUser(), "tenantLimits.maxTracesPerUser", policy, ask, problems);
        cap(f, base + ".ingestion.maxTraceSizeMB", r.maxTraceSizeMB(), caps.maxTraceSizeMB(), "tenantLimits.maxTraceSizeMB", policy, ask, problems);
        cap(f, base + ".metricsGenerator.maxActiveSeries", r.maxActiveSeries(), caps.maxActiveSeries(), "tenantLimits.maxActiveSeries", policy, ask, problems);
    }

    /** Values that are valid one by one but together cannot be meant. */
    private static void checkMeaning(TenantFile f, String base, Map<String, Object> env, TenantPolicy policy, List<Problem> problems) {
        var r = resolve(env, policy.defaults());
        var s = r.sampling();
        if (s.enabled() && !s.keepErrors() && s.keepSlowerThan().isEmpty() && s.keepPercent() == 0) {
            problems.add(new Problem(f.file(), f.document().at(base + ".sampling"), base + ".sampling",
                    "these rules keep no trace at all (keepErrors false, no keepSlowerThan, keepPercent 0).",
                    "keep something (keepErrors: true, or keepPercent above 0), or write 'sampling: none' to keep everything."));
        }
        if (r.burstMB() < r.rateLimitMBps()) {
            String at = env.get("ingestion") instanceof Map<?, ?> i && i.containsKey("burstMB") ? base + ".ingestion.burstMB"
                    : base + ".ingestion.rateLimitMBps";
            problems.add(new Problem(f.file(), f.document().at(at), at, "burstMB " + ModelNumbers.fmt(r.burstMB())
                    + " is below rateLimitMBps " + ModelNumbers.fmt(r.rateLimitMBps()) + ": Tempo refuses every request larger"
                    + " than the burst, so the rate can never be reached.",
                    "set burstMB to at least the rate, e.g. " + ModelNumbers.fmt(2 * r.rateLimitMBps()) + "."));
        }
    }

    private static void cap(TenantFile f, String path, double value, double max, String capName, TenantPolicy policy,
                            String ask, List<Problem> problems) {
        if (value > max) {
            problems.add(over(f, path, ModelNumbers.fmt(value), capName, ModelNumbers.fmt(max), policy,
                    "lower it to " + ModelNumbers.fmt(max) + ask));
        }
    }

    private static Problem over(TenantFile f, String path, String value, String capName, String cap, TenantPolicy policy,
                                String fix) {
        return new Problem(f.file(), f.document().at(path), path, value + " is over the " + policy.stack()
                + " stack's cap " + capName + " = " + cap + " (" + policy.file() + ").", fix);
    }

    /** File values over stack defaults, every field set. */
    @SuppressWarnings("unchecked")
    static TenantEnvironment resolve(Map<String, Object> env, TenantDefaults d) {
        var ingestion = (Map<String, Object>) env.getOrDefault("ingestion", Map.of());
        var generator = (Map<String, Object>) env.getOrDefault("metricsGenerator", Map.of());
        var grafana = (Map<String, Object>) env.getOrDefault("grafana", Map.of());
        var instrumentation = (Map<String, Object>) env.getOrDefault("instrumentation", Map.of());
        double rate = num(ingestion, "rateLimitMBps", d.rateLimitMBps());
        return new TenantEnvironment(
                (Duration) env.getOrDefault("retention", d.retention()),
                rate,
                num(ingestion, "burstMB", d.burstMB()),
                (long) num(ingestion, "maxTracesPerUser", d.maxTracesPerUser()),
                num(ingestion, "maxTraceSizeMB", d.maxTraceSizeMB()),
                num(ingestion, "averageMBps", rate),
                sampling(env.get("sampling"), d.sampling()),
                (Boolean) generator.getOrDefault("spanMetrics", d.spanMetrics()),
                (Boolean) generator.getOrDefault("serviceGraphs", d.serviceGraphs()),
                (long) num(generator, "maxActiveSeries", d.maxActiveSeries()),
                (List<String>) grafana.getOrDefault("viewers", List.of()),
                (List<String>) grafana.getOrDefault("editors", List.of()),
                (List<String>) instrumentation.getOrDefault("namespaces", List.of()),
                (List<String>) instrumentation.getOrDefault("languages", List.of()),
                num(instrumentation, "samplerRatio", 1.0));
    }

    private static double num(Map<String, Object> map, String key, double fallback) {
        return map.get(key) instanceof Number n ? n.doubleValue() : fallback;
    }

    @SuppressWarnings("unchecked")
    private static Sampling sampling(Object value, Sampling fallback) {
        if (value == null) return fallback;
        if ("none".equals(value)) return Sampling.NONE;
        var rules = (Map<String, Object>) value;
        return new Sampling(true, (Boolean) rules.getOrDefault("keepErrors", true),
                Optional.ofNullable((Duration) rules.get("keepSlowerThan")),
                num(rules, "keepPercent", Sampling.DEFAULT_KEEP_PERCENT));
    }
}
