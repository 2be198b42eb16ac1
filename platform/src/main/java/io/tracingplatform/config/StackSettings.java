package io.tracingplatform.config;

import io.tracingplatform.release.Release;
import io.tracingplatform.release.ReleaseCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a stack file says, typed and validated. Built from one plain map ({@link RawConfig}) that both
 * engines produce, so {@code pulumi up} and {@code platformctl plan} read settings the same way. Components
 * receive these records and never read Pulumi config themselves.
 *
 * @param stack stack name; also the environment name tenants refer to
 * @param file the stack file, for messages
 * @param release the platform release the stack pins ({@code tracing-platform:release})
 * @param cloud {@code aws} or {@code local} ({@code tracing-platform:cloud})
 * @param clusterName the Kubernetes cluster's name, used in labels and resource names
 *     ({@code tracing-platform:clusterName})
 * @param kubernetes cluster access ({@code tracing-platform:kubernetes})
 * @param aws account and region; present exactly when {@code cloud} is aws ({@code tracing-platform:aws})
 * @param tenants tenant defaults and caps ({@code tracing-platform:tenantDefaults}, {@code tenantLimits})
 * @param storage trace storage ({@code tracing-platform:storage})
 * @param tempo Grafana Tempo ({@code tracing-platform:tempo})
 * @param gateway the OpenTelemetry Collector gateways ({@code tracing-platform:gateway})
 * @param grafana Grafana and the Loki and Prometheus it correlates with ({@code tracing-platform:grafana})
 * @param credentialSeed stack secret every machine credential is derived from (HMAC), so credentials are
 *     stable across runs and rotate together ({@code tracing-platform:credentialSeed}, secret, required)
 * @param unsetSecrets secrets the stack file does not hold yet: offline they are placeholders, and plan lists
 *     the command that sets each; the real engine refuses to run without them
 */
public record StackSettings(
        String stack,
        String file,
        Release release,
        Cloud cloud,
        String clusterName,
        KubernetesSettings kubernetes,
        Optional<AwsSettings> aws,
        TenantPolicy tenants,
        StorageSettings storage,
        TempoSettings tempo,
        GatewaySettings gateway,
        GrafanaSettings grafana,
        Secret credentialSeed,
        java.util.List<String> unsetSecrets) {

    public StackSettings {
        Objects.requireNonNull(stack, "stack");
        Objects.requireNonNull(release, "release");
        Objects.requireNonNull(cloud, "cloud");
        Objects.requireNonNull(kubernetes, "kubernetes");
        if ((cloud == Cloud.AWS) != aws.isPresent()) {
            throw new IllegalArgumentException("aws settings must be present exactly when cloud is aws");
        }
    }

    /** The environment this stack is; tenant files list environments by stack name. */
    public String environment() {
        return stack;
    }

    public boolean isProduction() {
        return stack.equals("prod");
    }

    /**
     * Reads and validates every setting; throws with all problems at once, each naming the file, key, what
     * is wrong and the {@code pulumi config set} command that fixes it.
     */
    public static StackSettings parse(RawConfig raw) {
        var problems = new ArrayList<Problem>();
        var f = Fields.root(raw, problems);
        var catalog = ReleaseCatalog.builtIn();

        String releaseName = f.requiredString("release", catalog.latest().name());
        Release release = catalog.find(releaseName).orElse(null);
        if (release == null) {
            f.problem("release", "'" + releaseName + "' is not a platform release; known: " + catalog.names() + ".",
                    catalog.latest().name());
            release = catalog.latest();
        }
        Cloud cloud = Cloud.of(f.choice("cloud", List.of("aws", "local"), null, true));
        String clusterName = f.dnsLabel("clusterName", f.requiredString("clusterName", "tracing-" + raw.stack()), 40,
                "tracing-" + raw.stack());
        var kubernetes = KubernetesSettings.read(f.object("kubernetes", false));

        Optional<AwsSettings> aws = Optional.empty();
        if (cloud == Cloud.AWS) {
            aws = Optional.of(AwsSettings.read(f.object("aws", true)));
        } else if (f.has("aws")) {
            f.problemWithFix("aws", "is set but cloud is 'local'; a local stack uses no AWS account.",
                    "pulumi config rm --stack " + raw.stack() + " 'tracing-platform:aws'");
        }
        var tenants = TenantPolicy.read(f, kubernetes.namespace());
        var storage = StorageSettings.read(f.object("storage", false), cloud, clusterName, aws);
        var tempo = TempoSettings.read(f.object("tempo", true), cloud, aws.map(AwsSettings::region));
        var gateway = GatewaySettings.read(f.object("gateway", false), cloud);
        var unset = new ArrayList<String>();
        var grafana = GrafanaSettings.read(f.object("grafana", false), f, cloud, unset);
        var seed = f.secretForEngine("credentialSeed", unset);
        f.finish();
        if (!problems.isEmpty()) {
            throw new InvalidInputException("Stack settings in " + raw.file() + " are invalid ("
                    + problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + "):", problems);
        }
        return new StackSettings(raw.stack(), raw.file(), release, cloud, clusterName, kubernetes, aws, tenants,
                storage, tempo, gateway, grafana, seed, java.util.List.copyOf(unset));
    }
}
