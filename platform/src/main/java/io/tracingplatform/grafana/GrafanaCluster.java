package io.tracingplatform.grafana;

import com.pulumi.core.Output;
import com.pulumi.kubernetes.apps.v1.Deployment;
import com.pulumi.kubernetes.apps.v1.DeploymentArgs;
import com.pulumi.kubernetes.apps.v1.inputs.DeploymentSpecArgs;
import com.pulumi.kubernetes.apps.v1.inputs.DeploymentStrategyArgs;
import com.pulumi.kubernetes.batch.v1.CronJob;
import com.pulumi.kubernetes.batch.v1.CronJobArgs;
import com.pulumi.kubernetes.batch.v1.Job;
import com.pulumi.kubernetes.batch.v1.JobArgs;
import com.pulumi.kubernetes.batch.v1.inputs.CronJobSpecArgs;
import com.pulumi.kubernetes.batch.v1.inputs.JobSpecArgs;
import com.pulumi.kubernetes.batch.v1.inputs.JobTemplateSpecArgs;
import com.pulumi.kubernetes.core.v1.ConfigMap;
import com.pulumi.kubernetes.core.v1.ConfigMapArgs;
import com.pulumi.kubernetes.core.v1.PersistentVolumeClaim;
import com.pulumi.kubernetes.core.v1.PersistentVolumeClaimArgs;
import com.pulumi.kubernetes.core.v1.Secret;
import com.pulumi.kubernetes.core.v1.SecretArgs;
import com.pulumi.kubernetes.core.v1.Service;
import com.pulumi.kubernetes.core.v1.ServiceAccount;
import com.pulumi.kubernetes.core.v1.ServiceAccountArgs;
import com.pulumi.kubernetes.core.v1.ServiceArgs;
import com.pulumi.kubernetes.core.v1.inputs.ConfigMapEnvSourceArgs;
import com.pulumi.kubernetes.core.v1.inputs.ConfigMapVolumeSourceArgs;
import com.pulumi.kubernetes.core.v1.inputs.ContainerArgs;
import com.pulumi.kubernetes.core.v1.inputs.ContainerPortArgs;
import com.pulumi.kubernetes.core.v1.inputs.EmptyDirVolumeSourceArgs;
import com.pulumi.kubernetes.core.v1.inputs.EnvFromSourceArgs;
import com.pulumi.kubernetes.core.v1.inputs.EnvVarArgs;
import com.pulumi.kubernetes.core.v1.inputs.EnvVarSourceArgs;
import com.pulumi.kubernetes.core.v1.inputs.HTTPGetActionArgs;
import com.pulumi.kubernetes.core.v1.inputs.PersistentVolumeClaimSpecArgs;
import com.pulumi.kubernetes.core.v1.inputs.PersistentVolumeClaimVolumeSourceArgs;
import com.pulumi.kubernetes.core.v1.inputs.PodSpecArgs;
import com.pulumi.kubernetes.core.v1.inputs.PodTemplateSpecArgs;
import com.pulumi.kubernetes.core.v1.inputs.ProbeArgs;
import com.pulumi.kubernetes.core.v1.inputs.ResourceRequirementsArgs;
import com.pulumi.kubernetes.core.v1.inputs.SecretKeySelectorArgs;
import com.pulumi.kubernetes.core.v1.inputs.SecretVolumeSourceArgs;
import com.pulumi.kubernetes.core.v1.inputs.ServicePortArgs;
import com.pulumi.kubernetes.core.v1.inputs.ServiceSpecArgs;
import com.pulumi.kubernetes.core.v1.inputs.VolumeArgs;
import com.pulumi.kubernetes.core.v1.inputs.VolumeMountArgs;
import com.pulumi.kubernetes.meta.v1.inputs.LabelSelectorArgs;
import com.pulumi.kubernetes.meta.v1.inputs.ObjectMetaArgs;
import com.pulumi.kubernetes.networking.v1.Ingress;
import com.pulumi.kubernetes.networking.v1.IngressArgs;
import com.pulumi.kubernetes.policy.v1.PodDisruptionBudget;
import com.pulumi.kubernetes.policy.v1.PodDisruptionBudgetArgs;
import com.pulumi.resources.ComponentResourceOptions;
import com.pulumi.resources.CustomResourceOptions;
import io.tracingplatform.Providers;
import io.tracingplatform.config.DerivedCredentials;
import io.tracingplatform.config.StackSettings;
import io.tracingplatform.k8s.Hardening;
import io.tracingplatform.k8s.KubernetesComponent;
import io.tracingplatform.k8s.KubernetesCustomResource;
import io.tracingplatform.k8s.Labels;
import io.tracingplatform.k8s.Monitoring;
import io.tracingplatform.k8s.Names;
import io.tracingplatform.k8s.NetworkPolicies;
import io.tracingplatform.k8s.Workloads;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Grafana and its organisation sync. Grafana runs as a Deployment (sqlite on a retained volume, or an external
 * database for more replicas); the admins' organisation and dashboards are provisioned from files; tenant
 * organisations are made by {@code grafana_org_sync.py}, run as a Job named after the desired state's hash
 * (a changed document is a new Job, run once by {@code pulumi up}) and as a CronJob that repairs drift.
 *
 * <p>Grafana's secret key lives in its own Secret that later runs never change ({@code ignoreChanges}): it encrypts
 * every secure field in Grafana's database. An init container sets the admin password from the Secret at every
 * start, since Grafana applies {@code GF_SECURITY_ADMIN_PASSWORD} only when it first creates the admin. A
 * NetworkPolicy admits only the ingress controller's namespaces and the sync; a PrometheusRule alerts when a sync
 * Job fails (where the Prometheus Operator is present).
 */
public final class GrafanaCluster extends KubernetesComponent {
    public static final String TYPE = "tracing-platform:grafana:GrafanaCluster";
    static final int UID = 472; // the grafana image's user
    static final int SYNC_UID = 65534; // nobody: the sync needs no identity of its own
    /** The Secret holding Grafana's secret key, alone so that it can be held fixed. */
    public static final String SECRET_KEY_SECRET = "grafana-secret-key";
    /**
     * Sets the admin password from the Secret before Grafana starts (Grafana's own CLI, password on stdin so it is
     * never in a process list). On a database without an admin yet (first start) the CLI finds no admin user:
     * that is expected, Grafana then creates it from GF_SECURITY_ADMIN_PASSWORD. Any other failure stops the pod,
     * so a wrong database password or an unreachable database is seen here, not as the sync's 401 later.
     * The CLI's "not found" wording was not run against Grafana 12.4 here (no Grafana can run on the build machine).
     */
    static final String RESET_ADMIN_PASSWORD = String.join("\n",
            "set -u",
            "if out=$(printf '%s' \"$GF_SECURITY_ADMIN_PASSWORD\" | grafana cli --homepath \"$GF_PATHS_HOME\" --config \"$GF_PATHS_CONFIG\" admin reset-admin-password --password-from-stdin 2>&1); then",
            "  echo 'admin password set from the Secret grafana (admin-password)'",
            "elif printf '%s' \"$out\" | grep -qi 'not found'; then",
            "  echo 'no admin user yet (first start): Grafana creates it from GF_SECURITY_ADMIN_PASSWORD'",
            "else",
            "  printf '%s\\n' \"$out\" >&2; exit 1",
            "fi");


    public GrafanaCluster(String name, StackSettings settings, GrafanaPlan plan, Providers providers,
                          ComponentResourceOptions options) {
        super(TYPE, name, settings, providers, options);
        var g = settings.grafana();
        var secretOpts = CustomResourceOptions.builder().parent(this).provider(providers.kubernetes())
                .additionalSecretOutputs(List.of("stringData", "data")).build();

        new ServiceAccount(Names.child(name, "service-account"), ServiceAccountArgs.builder()
                .metadata(meta(GrafanaPlan.NAME, "grafana")).automountServiceAccountToken(false).build(), opts);

        // Every credential Grafana and the sync read, in one Secret.
        var adminPassword = g.adminPassword().map(s -> s.output())
                .orElseGet(() -> DerivedCredentials.derive(settings.credentialSeed(), "grafana-admin"));
        var secrets = new ArrayList<Output<Map.Entry<String, String>>>();
        secrets.add(adminPassword.applyValue(p -> Map.entry("admin-password", p)));
        g.databasePassword().ifPresent(p -> secrets.add(p.output().applyValue(v -> Map.entry("database-password", v))));
        g.sso().ifPresent(sso -> secrets.add(sso.clientSecret().output().applyValue(v -> Map.entry("oauth-client-secret", v))));
        var secretData = Output.all(secrets).applyValue(entries -> {
            var map = new java.util.TreeMap<String, String>();
            entries.forEach(e -> map.put(e.getKey(), e.getValue()));
            map.put("admin-user", "admin");
            return (Map<String, String>) map;
        }).asSecret();
        new Secret(Names.child(name, "secret"), SecretArgs.builder()
                .metadata(meta(GrafanaPlan.SECRET, "grafana")).type("Opaque").stringData(secretData).build(), secretOpts);

        // Grafana's [security] secret_key, held fixed: created once, then never changed by a run (ignoreChanges),
        // whatever happens to the seed; changing it is the documented migration (runbooks/deploy-an-environment.md).
        var secretKey = g.secretKey().map(s -> s.output())
                .orElseGet(() -> DerivedCredentials.derive(settings.credentialSeed(), "grafana-secret-key"));
        new Secret(Names.child(name, "secret-key"), SecretArgs.builder()
                .metadata(meta(SECRET_KEY_SECRET, "grafana")).type("Opaque")
                .stringData(secretKey.applyValue(k -> Map.of("secret-key", k)).asSecret()).build(),
                CustomResourceOptions.builder().parent(this).provider(providers.kubernetes())
                        .additionalSecretOutputs(List.of("stringData", "data"))
                        .ignoreChanges(List.of("stringData", "data")).build());

        new ConfigMap(Names.child(name, "env"), ConfigMapArgs.builder()
                .metadata(meta("grafana-env", "grafana")).data(plan.env()).build(), opts);
        // The admins' data sources carry every tenant's header value: a Secret, like the tenants' desired state.
        new Secret(Names.child(name, "datasources"), SecretArgs.builder()
                .metadata(meta("grafana-datasources", "grafana")).type("Opaque")
                .stringData(Output.ofSecret(Map.of("datasources.yaml", plan.datasourcesYaml()))).build(), secretOpts);
        new ConfigMap(Names.child(name, "dashboards"), ConfigMapArgs.builder()
                .metadata(meta("grafana-dashboards", "grafana")).data(plan.dashboardFiles()).build(), opts);

        VolumeArgs data;
        if (g.externalDatabase()) {
            data = VolumeArgs.builder().name("data").emptyDir(EmptyDirVolumeSourceArgs.builder().build()).build();
        } else {
            var pvc = PersistentVolumeClaimSpecArgs.builder().accessModes("ReadWriteOnce")
                    .resources(ResourceRequirementsArgs.builder()
                            .requests(Map.of("storage", g.storageSize())).build());
            g.storageClass().ifPresent(pvc::storageClassName);
            // Users' dashboards, organisations and preferences live here: kept when the stack goes away.
            new PersistentVolumeClaim(Names.child(name, "data"), PersistentVolumeClaimArgs.builder()
                    .metadata(meta("grafana-data", "grafana")).spec(pvc.build()).build(),
                    CustomResourceOptions.builder().parent(this).provider(providers.kubernetes()).retainOnDelete(true).build());
            data = VolumeArgs.builder().name("data").persistentVolumeClaim(PersistentVolumeClaimVolumeSourceArgs.builder()
                    .claimName("grafana-data").build()).build();
        }
        var grafana = deployment(settings, plan, data);
        service();
        if (g.networkPolicy()) networkPolicy(g.ingressNamespaces());
        g.ingressHost().ifPresent(host -> ingress(host, g.ingressClassName(), g.ingressTlsSecret().orElseThrow()));
        if (g.replicas() > 1) {
            new PodDisruptionBudget(Names.child(name, "pdb"), PodDisruptionBudgetArgs.builder()
                    .metadata(meta(GrafanaPlan.NAME, "grafana"))
                    .spec(Monitoring.oneDown(Labels.selector(GrafanaPlan.NAME, GrafanaPlan.NAME, "grafana"))).build(), opts);
        }

        // gzip'd (binary), so in data as base64, not in stringData: Kubernetes refuses a Secret over 1 MiB of data.
        var desiredState = new Secret(Names.child(name, "desired-state"), SecretArgs.builder()
                .metadata(meta("grafana-desired-state", "org-sync")).type("Opaque")
                .data(Output.ofSecret(Map.of(DesiredStateDocument.KEY, plan.desiredStateData()))).build(), secretOpts);
        var program = new ConfigMap(Names.child(name, "org-sync-program"), ConfigMapArgs.builder()
                .metadata(meta(GrafanaPlan.SYNC, "org-sync")).data(Map.of("grafana_org_sync.py", plan.syncScript())).build(), opts);
        var syncPod = syncPod(plan);
        new Job(Names.child(name, "org-sync"), JobArgs.builder()
                .metadata(meta(GrafanaPlan.SYNC + "-" + plan.syncHash(), "org-sync"))
                .spec(JobSpecArgs.builder().backoffLimit(6).activeDeadlineSeconds(900).template(syncPod).build())
                // The Job's pod reads the document and the program as they are when it starts: both written first.
                .build(), CustomResourceOptions.builder().parent(this).provider(providers.kubernetes())
                        .dependsOn(grafana, desiredState, program).build());
        new CronJob(Names.child(name, "org-sync-schedule"), CronJobArgs.builder()
                .metadata(meta(GrafanaPlan.SYNC, "org-sync"))
                .spec(CronJobSpecArgs.builder()
                        .schedule(g.syncSchedule())
                        .concurrencyPolicy("Forbid")
                        .successfulJobsHistoryLimit(1)
                        .failedJobsHistoryLimit(3)
                        .jobTemplate(JobTemplateSpecArgs.builder().spec(JobSpecArgs.builder()
                                .backoffLimit(2).activeDeadlineSeconds(900).template(syncPod).build()).build())
                        .build())
                .build(), opts);
        if (settings.tempo().prometheusOperator()) {
            new KubernetesCustomResource(Names.child(name, "alerts"), new KubernetesCustomResource.Args(
                    "monitoring.coreos.com/v1", "PrometheusRule", meta("grafana-alerts", "alerts"),
                    GrafanaAlerts.ruleGroups(namespace, environment)), opts);
        }
        registerOutputs(Map.of());
    }

    private ObjectMetaArgs meta(String objectName, String component) {
        return meta(GrafanaPlan.NAME, objectName, component);
    }

    private static EnvVarArgs fromSecret(String env, String key) {
        return fromSecret(env, GrafanaPlan.SECRET, key);
    }

    private static EnvVarArgs fromSecret(String env, String secret, String key) {
        return EnvVarArgs.builder().name(env).valueFrom(EnvVarSourceArgs.builder()
                .secretKeyRef(SecretKeySelectorArgs.builder().name(secret).key(key).build()).build()).build();
    }

    private Deployment deployment(StackSettings settings, GrafanaPlan plan, VolumeArgs data) {
        var g = settings.grafana();
        var env = new ArrayList<EnvVarArgs>();
        env.add(fromSecret("GF_SECURITY_ADMIN_PASSWORD", "admin-password"));
        env.add(fromSecret("GF_SECURITY_SECRET_KEY", SECRET_KEY_SECRET, "secret-key"));
        if (g.databasePassword().isPresent()) env.add(fromSecret("GF_DATABASE_PASSWORD", "database-password"));
        if (g.sso().isPresent()) env.add(fromSecret("GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET", "oauth-client-secret"));
        var health = ProbeArgs.builder().httpGet(HTTPGetActionArgs.builder().path("/api/health").port(GrafanaPlan.PORT).build());
        var container = ContainerArgs.builder()
                .name("grafana")
                .image(plan.image())
                .ports(ContainerPortArgs.builder().name("http").containerPort(GrafanaPlan.PORT).build())
                .envFrom(EnvFromSourceArgs.builder().configMapRef(ConfigMapEnvSourceArgs.builder().name("grafana-env").build()).build())
                .env(env)
                .readinessProbe(health.build())
                .livenessProbe(health.initialDelaySeconds(60).periodSeconds(20).failureThreshold(6).build())
                .resources(Workloads.resources(g.cpu(), g.memory(), g.cpuLimit(), g.memoryLimit()))
                .securityContext(Hardening.container())
                .volumeMounts(
                        VolumeMountArgs.builder().name("data").mountPath(GrafanaPlan.DATA).build(),
                        VolumeMountArgs.builder().name("tmp").mountPath("/tmp").build(),
                        VolumeMountArgs.builder().name("datasources").mountPath(GrafanaPlan.PROVISIONING + "/datasources").readOnly(true).build(),
                        VolumeMountArgs.builder().name("dashboards").mountPath(GrafanaPlan.PROVISIONING + "/dashboards").readOnly(true).build())
                .build();
        // Same image, settings, database and volumes as Grafana, so the CLI writes the very database Grafana reads.
        var resetPassword = ContainerArgs.builder()
                .name("reset-admin-password")
                .image(plan.image())
                .command("sh", "-c", RESET_ADMIN_PASSWORD)
                .envFrom(EnvFromSourceArgs.builder().configMapRef(ConfigMapEnvSourceArgs.builder().name("grafana-env").build()).build())
                .env(env)
                .resources(Workloads.resources(g.cpu(), g.memory(), g.cpuLimit(), g.memoryLimit()))
                .securityContext(Hardening.container())
                .volumeMounts(
                        VolumeMountArgs.builder().name("data").mountPath(GrafanaPlan.DATA).build(),
                        VolumeMountArgs.builder().name("tmp").mountPath("/tmp").build())
                .build();
        var selector = Labels.selector(GrafanaPlan.NAME, GrafanaPlan.NAME, "grafana");
        // sqlite's volume is ReadWriteOnce: the old pod must stop before the new one mounts it.
        var strategy = g.externalDatabase()
                ? DeploymentStrategyArgs.builder().type("RollingUpdate").build()
                : DeploymentStrategyArgs.builder().type("Recreate").build();
        return new Deployment(Names.child(name, "deployment"), DeploymentArgs.builder()
                .metadata(meta(GrafanaPlan.NAME, "grafana"))
                .spec(DeploymentSpecArgs.builder()
                        .replicas(g.replicas())
                        .strategy(strategy)
                        .selector(LabelSelectorArgs.builder().matchLabels(selector).build())
                        .template(PodTemplateSpecArgs.builder()
                                .metadata(ObjectMetaArgs.builder().labels(Labels.of(GrafanaPlan.NAME, GrafanaPlan.NAME, "grafana", environment))
                                        .annotations(Map.of("tracing-platform.io/config-hash", plan.configHash())).build())
                                .spec(PodSpecArgs.builder()
                                        .serviceAccountName(GrafanaPlan.NAME)
                                        .automountServiceAccountToken(false)
                                        .securityContext(Hardening.pod(UID))
                                        .initContainers(resetPassword)
                                        .containers(container)
                                        .volumes(data,
                                                VolumeArgs.builder().name("tmp").emptyDir(EmptyDirVolumeSourceArgs.builder().build()).build(),
                                                VolumeArgs.builder().name("datasources").secret(SecretVolumeSourceArgs.builder()
                                                        .secretName("grafana-datasources").build()).build(),
                                                VolumeArgs.builder().name("dashboards").configMap(ConfigMapVolumeSourceArgs.builder()
                                                        .name("grafana-dashboards").build()).build())
                                        .build())
                                .build())
                        .build())
                .build(), opts);
    }

    private PodTemplateSpecArgs syncPod(GrafanaPlan plan) {
        var container = ContainerArgs.builder()
                .name("org-sync")
                .image(plan.syncImage())
                .command("python3", "/sync/grafana_org_sync.py", "--desired", "/desired/" + DesiredStateDocument.KEY,
                        "--url", "http://" + GrafanaPlan.NAME + "." + namespace + ".svc.cluster.local:" + GrafanaPlan.PORT)
                .env(EnvVarArgs.builder().name("GRAFANA_ADMIN_USER").value("admin").build(),
                        fromSecret("GRAFANA_ADMIN_PASSWORD", "admin-password"),
                        EnvVarArgs.builder().name("PYTHONDONTWRITEBYTECODE").value("1").build())
                .resources(Workloads.resources("50m", "64Mi", "200m", "128Mi"))
                .securityContext(Hardening.container())
                .volumeMounts(VolumeMountArgs.builder().name("program").mountPath("/sync").readOnly(true).build(),
                        VolumeMountArgs.builder().name("desired").mountPath("/desired").readOnly(true).build())
                .build();
        return PodTemplateSpecArgs.builder()
                .metadata(ObjectMetaArgs.builder().labels(Labels.of(GrafanaPlan.NAME, GrafanaPlan.NAME, "org-sync", environment)).build())
                .spec(PodSpecArgs.builder()
                        .restartPolicy("OnFailure")
                        .serviceAccountName(GrafanaPlan.NAME)
                        .automountServiceAccountToken(false)
                        .securityContext(Hardening.pod(SYNC_UID))
                        .containers(container)
                        .volumes(VolumeArgs.builder().name("program").configMap(ConfigMapVolumeSourceArgs.builder().name(GrafanaPlan.SYNC).build()).build(),
                                VolumeArgs.builder().name("desired").secret(SecretVolumeSourceArgs.builder().secretName("grafana-desired-state").build()).build())
                        .build())
                .build();
    }

    private void service() {
        new Service(Names.child(name, "service"), ServiceArgs.builder()
                .metadata(meta(GrafanaPlan.NAME, "grafana"))
                .spec(ServiceSpecArgs.builder()
                        .selector(Labels.selector(GrafanaPlan.NAME, GrafanaPlan.NAME, "grafana"))
                        .ports(ServicePortArgs.builder().name("http").port(GrafanaPlan.PORT).targetPort(GrafanaPlan.PORT).protocol("TCP").build())
                        .build())
                .build(), opts);
    }

    /**
     * Only the ingress controller's namespaces and the organisation sync reach Grafana (everything else in the
     * cluster is refused); {@code kubectl port-forward} is not affected (it enters the pod's own network namespace).
     */
    private void networkPolicy(List<String> ingressNamespaces) {
        var fromSync = NetworkPolicies.pods(Labels.selector(GrafanaPlan.NAME, GrafanaPlan.NAME, "org-sync"));
        NetworkPolicies.create(Names.child(name, "network-policy"), meta(GrafanaPlan.NAME, "grafana"),
                Labels.selector(GrafanaPlan.NAME, GrafanaPlan.NAME, "grafana"),
                List.of(NetworkPolicies.Rule.from(List.of(fromSync, NetworkPolicies.namespaces(ingressNamespaces)), GrafanaPlan.PORT)),
                opts);
    }

    /** Grafana from outside the cluster, TLS only (the setting refuses a host without a TLS Secret). */
    private void ingress(String host, java.util.Optional<String> className, String tlsSecret) {
        new Ingress(Names.child(name, "ingress"), IngressArgs.builder().metadata(meta(GrafanaPlan.NAME, "grafana"))
                .spec(Workloads.tlsIngress(host, "/", GrafanaPlan.NAME, "http", className, tlsSecret)).build(), opts);
    }
}
