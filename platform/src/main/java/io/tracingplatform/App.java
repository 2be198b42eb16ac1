package io.tracingplatform;

import com.pulumi.Context;
import com.pulumi.Pulumi;
import com.pulumi.aws.ProviderArgs;
import com.pulumi.aws.inputs.ProviderDefaultTagsArgs;
import com.pulumi.core.Output;
import com.pulumi.resources.ComponentResourceOptions;
import com.pulumi.resources.CustomResourceOptions;
import io.tracingplatform.config.ProjectLayout;
import io.tracingplatform.config.RawConfig;
import io.tracingplatform.config.Secret;
import io.tracingplatform.config.StackFiles;
import io.tracingplatform.config.StackSettings;
import io.tracingplatform.config.TenantPolicy;
import io.tracingplatform.tenants.TenantLoader;
import io.tracingplatform.k8s.Names;
import io.tracingplatform.yaml.LocatedYaml;
import io.tracingplatform.yaml.Yaml;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The Pulumi program. {@link #main} is what {@code pulumi up} runs (Pulumi.yaml points at the built jar);
 * {@link #program} is the same program the offline engine runs, so both engines share every line below the
 * configuration source.
 */
public final class App {
    private App() {}

    public static void main(String[] args) {
        widenCommonPool();
        Pulumi.run(ctx -> program(ctx, loadFromEngine(ctx, ProjectLayout.discover())));
    }

    /**
     * The Pulumi Java SDK completes resource registrations on the common ForkJoinPool and joins futures there;
     * on a 2-core machine that pool has one thread and a run can starve (seen as a hang here). Must run before
     * anything touches the pool; an explicit -D setting wins.
     */
    public static void widenCommonPool() {
        String key = "java.util.concurrent.ForkJoinPool.common.parallelism";
        if (System.getProperty(key) == null) {
            System.setProperty(key, String.valueOf(Math.max(8, Runtime.getRuntime().availableProcessors())));
        }
    }

    /** The real engine: settings from the engine's config, validated before anything is registered. */
    public static PlatformInputs loadFromEngine(Context ctx, ProjectLayout layout) {
        String configJson = System.getenv("PULUMI_CONFIG");
        var raw = configJson == null
                ? inlineConfig(ctx.stackName(), layout, name -> ctx.config().requireSecret(name))
                : engineConfig(ctx.stackName(), layout, configJson, System.getenv("PULUMI_CONFIG_SECRET_KEYS"),
                        name -> ctx.config().requireSecret(name));
        return load(layout, raw);
    }

    /**
     * The engine's config when the program runs inline (the Automation API serves the language runtime from
     * this JVM, so nothing sets {@code PULUMI_CONFIG}): the engine reads the stack file, so its keys and plain
     * values are the file's; secure values are still decrypted by the engine, through {@code requireSecret}.
     */
    static RawConfig inlineConfig(String stack, ProjectLayout layout,
                                  java.util.function.Function<String, Output<String>> secretReader) {
        var file = StackFiles.read(layout, stack);
        var values = new LinkedHashMap<String, Object>();
        file.values().forEach((name, value) -> values.put(name, value instanceof Secret s
                ? Secret.fromEngine(s.key(), () -> secretReader.apply(name))
                : value));
        return new RawConfig(stack, file.file(), values, file.document(), false);
    }

    /**
     * Settings and tenants, validated before anything is registered; throws with every problem found. Tenant
     * files are checked for every environment they join, against that stack's caps (read from its stack
     * file), so a tenant file with a mistake stops every stack, never only some.
     */
    public static PlatformInputs load(ProjectLayout layout, RawConfig raw) {
        return load(layout, raw, today());
    }

    /** As {@link #load(ProjectLayout, RawConfig)}, for a given day (tests; the program itself reads the clock once). */
    public static PlatformInputs load(ProjectLayout layout, RawConfig raw, LocalDate today) {
        var settings = StackSettings.parse(raw);
        var tenants = TenantLoader.load(layout, settings.stack(), policies(layout, settings));
        io.tracingplatform.collector.GatewayPlan.checkQueueRoom(settings, tenants);
        io.tracingplatform.collector.GatewayPlan.checkSpanMetricsRoute(settings, tenants);
        return new PlatformInputs(settings, tenants, today);
    }

    /**
     * The program's one reading of the clock: today's date in UTC (a credential rotation window ends at a UTC day, the
     * same for every operator's time zone). Everything below App.load gets it from PlatformInputs.
     */
    public static LocalDate today() {
        return LocalDate.now(ZoneOffset.UTC);
    }

    /** Tenant defaults and caps of every stack: this one from its settings, the others from their files. */
    public static Map<String, TenantPolicy> policies(ProjectLayout layout, StackSettings current) {
        return policies(layout, Optional.of(current));
    }

    /** Tenant defaults and caps of every stack, from the stack files except for {@code current}, when given. */
    public static Map<String, TenantPolicy> policies(ProjectLayout layout, Optional<StackSettings> current) {
        var policies = new TreeMap<String, TenantPolicy>();
        for (String stack : layout.stacks()) {
            if (current.isEmpty() || !stack.equals(current.get().stack())) {
                policies.put(stack, TenantPolicy.read(StackFiles.read(layout, stack)));
            }
        }
        current.ifPresent(c -> policies.put(c.stack(), c.tenants()));
        return policies;
    }

    /**
     * The engine hands every language host the stack's config as {@code PULUMI_CONFIG} (JSON, values as
     * strings, structured values as JSON text) and the secret keys as {@code PULUMI_CONFIG_SECRET_KEYS}.
     * Reading it whole lets unknown keys be reported exactly as offline; secrets are still read through
     * {@code ctx.config().requireSecret} so they stay secret Outputs.
     */
    static RawConfig engineConfig(String stack, ProjectLayout layout, String configJson, String secretKeysJson,
                                  java.util.function.Function<String, Output<String>> secretReader) {
        Map<String, String> all = parseJsonMap(configJson);
        Set<String> secretKeys = Set.copyOf(parseJsonList(secretKeysJson));
        var values = new LinkedHashMap<String, Object>();
        String prefix = RawConfig.NAMESPACE + ":";
        new TreeMap<>(all).forEach((key, value) -> {
            if (!key.startsWith(prefix)) return;
            String name = key.substring(prefix.length());
            values.put(name, secretKeys.contains(key)
                    ? Secret.fromEngine(key, () -> secretReader.apply(name))
                    : value);
        });
        var file = layout.stackFile(stack);
        LocatedYaml.Document doc = null;
        try {
            doc = LocatedYaml.read(file, layout.display(file)); // only for line numbers in messages
        } catch (io.tracingplatform.yaml.YamlProblem e) {
            doc = null;
        }
        return new RawConfig(stack, layout.display(file), values, doc, false);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> parseJsonMap(String json) {
        if (json == null || json.isBlank()) return Map.of();
        try {
            var map = Yaml.JSON.readValue(json, Map.class);
            var result = new TreeMap<String, String>();
            map.forEach((k, v) -> result.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
            return result;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("PULUMI_CONFIG is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static java.util.List<String> parseJsonList(String json) {
        if (json == null || json.isBlank()) return java.util.List.of();
        try {
            return Yaml.JSON.readValue(json, java.util.List.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("PULUMI_CONFIG_SECRET_KEYS is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The program both engines run. Inputs are already validated; nothing here reads config. */
    public static void program(Context ctx, PlatformInputs inputs) {
        var settings = inputs.settings();
        var providers = createProviders(settings);
        var platform = new TracingPlatform(Names.ROOT, inputs, providers, ComponentResourceOptions.builder().build());

        ctx.export("stack", Output.of(settings.stack()));
        ctx.export("release", Output.of(settings.release().name()));
        ctx.export("cloud", Output.of(settings.cloud().key()));
        ctx.export("cluster", Output.of(settings.clusterName()));
        ctx.export("namespace", platform.namespace());
        platform.storageOutputs().forEach((key, value) -> ctx.export("storage" + Character.toUpperCase(key.charAt(0))
                + key.substring(1), value));
        ctx.export("tenants", Output.of(inputs.tenants().stream().map(t -> t.id()).toList()));
        ctx.export("gatewayCredentials", Output.of(gatewayCredentials(inputs)));
    }

    /**
     * Which gateway credentials work, without secrets: each tenant's user names (the current generation first, then the
     * previous one while a rotation window is open) and the window's last day, for the teams' and the operators' eyes.
     */
    static Map<String, Object> gatewayCredentials(PlatformInputs inputs) {
        var window = io.tracingplatform.collector.CredentialWindow.of(inputs.settings().gateway(), inputs.today());
        var usernames = new TreeMap<String, Object>();
        for (var t : inputs.tenants()) {
            usernames.put(t.id(), window.accepted().stream()
                    .map(g -> io.tracingplatform.collector.GatewayCredentials.username(t.id(), g)).toList());
        }
        var out = new LinkedHashMap<String, Object>();
        out.put("generation", window.generation());
        out.put("previousGenerationAccepted", window.open());
        window.previousUntil().ifPresent(d -> out.put("previousCredentialUntil", d.toString()));
        out.put("usernames", usernames);
        return out;
    }

    static Providers createProviders(StackSettings settings) {
        var k8sArgs = com.pulumi.kubernetes.ProviderArgs.builder()
                .namespace(settings.kubernetes().namespace())
                // In place, not replaced: the provider treats a ConfigMap's data as immutable by default and replaces
                // it (delete, then create under the same name) on every change; Tempo reloads its per-tenant
                // overrides from the mounted ConfigMap, so a tenant change must be an update (found by the
                // real-engine check engine.tenant-change). Pods that must restart roll on a digest annotation.
                .enableConfigMapMutable(true);
        settings.kubernetes().kubeconfig().ifPresent(k8sArgs::kubeconfig);
        settings.kubernetes().context().ifPresent(k8sArgs::context);
        var kubernetes = new com.pulumi.kubernetes.Provider("k8s", k8sArgs.build(),
                CustomResourceOptions.builder().version(Providers.KUBERNETES_PLUGIN).build());

        Optional<com.pulumi.aws.Provider> aws = settings.aws().map(a -> new com.pulumi.aws.Provider("aws",
                ProviderArgs.builder()
                        .region(a.region())
                        .allowedAccountIds(a.accountId())
                        .defaultTags(ProviderDefaultTagsArgs.builder().tags(a.defaultTags()).build())
                        .build(),
                CustomResourceOptions.builder().build()));
        return new Providers(kubernetes, aws);
    }
}
