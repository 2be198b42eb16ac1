package io.tracingplatform.storage;

import com.pulumi.core.Output;
import com.pulumi.kubernetes.apps.v1.StatefulSet;
import com.pulumi.kubernetes.apps.v1.StatefulSetArgs;
import com.pulumi.kubernetes.apps.v1.inputs.StatefulSetPersistentVolumeClaimRetentionPolicyArgs;
import com.pulumi.kubernetes.apps.v1.inputs.StatefulSetSpecArgs;
import com.pulumi.kubernetes.batch.v1.Job;
import com.pulumi.kubernetes.batch.v1.JobArgs;
import com.pulumi.kubernetes.batch.v1.inputs.JobSpecArgs;
import com.pulumi.kubernetes.core.v1.Secret;
import com.pulumi.kubernetes.core.v1.SecretArgs;
import com.pulumi.kubernetes.core.v1.Service;
import com.pulumi.kubernetes.core.v1.ServiceAccount;
import com.pulumi.kubernetes.core.v1.ServiceAccountArgs;
import com.pulumi.kubernetes.core.v1.ServiceArgs;
import com.pulumi.kubernetes.core.v1.inputs.ContainerArgs;
import com.pulumi.kubernetes.core.v1.inputs.ContainerPortArgs;
import com.pulumi.kubernetes.core.v1.inputs.EmptyDirVolumeSourceArgs;
import com.pulumi.kubernetes.core.v1.inputs.EnvFromSourceArgs;
import com.pulumi.kubernetes.core.v1.inputs.EnvVarArgs;
import com.pulumi.kubernetes.core.v1.inputs.EnvVarSourceArgs;
import com.pulumi.kubernetes.core.v1.inputs.HTTPGetActionArgs;
import com.pulumi.kubernetes.core.v1.inputs.PersistentVolumeClaimArgs;
import com.pulumi.kubernetes.core.v1.inputs.PersistentVolumeClaimSpecArgs;
import com.pulumi.kubernetes.core.v1.inputs.PodSpecArgs;
import com.pulumi.kubernetes.core.v1.inputs.PodTemplateSpecArgs;
import com.pulumi.kubernetes.core.v1.inputs.ProbeArgs;
import com.pulumi.kubernetes.core.v1.inputs.ResourceRequirementsArgs;
import com.pulumi.kubernetes.core.v1.inputs.SecretEnvSourceArgs;
import com.pulumi.kubernetes.core.v1.inputs.SecretKeySelectorArgs;
import com.pulumi.kubernetes.core.v1.inputs.ServicePortArgs;
import com.pulumi.kubernetes.core.v1.inputs.ServiceSpecArgs;
import com.pulumi.kubernetes.core.v1.inputs.VolumeArgs;
import com.pulumi.kubernetes.core.v1.inputs.VolumeMountArgs;
import com.pulumi.kubernetes.meta.v1.inputs.LabelSelectorArgs;
import com.pulumi.kubernetes.meta.v1.inputs.ObjectMetaArgs;
import com.pulumi.resources.ComponentResource;
import com.pulumi.resources.ComponentResourceOptions;
import com.pulumi.resources.CustomResourceOptions;
import io.tracingplatform.Providers;
import io.tracingplatform.config.DerivedCredentials;
import io.tracingplatform.config.StackSettings;
import io.tracingplatform.k8s.Hardening;
import io.tracingplatform.k8s.Labels;
import io.tracingplatform.k8s.Names;
import io.tracingplatform.k8s.Workloads;
import java.util.List;
import java.util.Map;

/**
 * The local stack's S3-compatible store (MinIO, image pinned by the release) so Tempo is configured exactly
 * as on AWS: a StatefulSet with a PVC, its credentials in a Kubernetes Secret derived from the stack's
 * credentialSeed (never a literal), and a Job that creates the trace bucket (idempotent).
 */
public final class LocalObjectStore extends ComponentResource {
    public static final String TYPE = "tracing-platform:storage:LocalObjectStore";
    static final String APP = "local-s3";
    static final int UID = 1000;

    public LocalObjectStore(String name, StackSettings settings, StoragePlan plan, Providers providers,
                            ComponentResourceOptions options) {
        super(TYPE, name, options);
        var ns = settings.kubernetes().namespace();
        var env = settings.environment();
        var opts = CustomResourceOptions.builder().parent(this).provider(providers.kubernetes()).build();
        var selector = Labels.selector(APP, APP, "object-store");
        var labels = Labels.of(APP, APP, "object-store", env);
        var annotations = settings.kubernetes().objectAnnotations();

        // Root credentials: the access key id is not secret; the password is HMAC(seed, purpose).
        var password = DerivedCredentials.derive(settings.credentialSeed(), "local-store/root-password");
        new Secret(Names.child(name, "credentials"), SecretArgs.builder()
                .metadata(ObjectMetaArgs.builder().name(StoragePlan.CREDENTIALS_SECRET).namespace(ns).labels(labels).annotations(annotations).build())
                .type("Opaque")
                .stringData(password.applyValue(p -> Map.of("AWS_ACCESS_KEY_ID", "tempo", "AWS_SECRET_ACCESS_KEY", p)))
                .build(), CustomResourceOptions.builder().parent(this).provider(providers.kubernetes())
                        .additionalSecretOutputs(List.of("stringData", "data")).build());

        new ServiceAccount(Names.child(name, "service-account"), ServiceAccountArgs.builder()
                .metadata(ObjectMetaArgs.builder().name(APP).namespace(ns).labels(labels).annotations(annotations).build())
                .automountServiceAccountToken(false)
                .build(), opts);

        // Tempo's storage identity: on AWS TraceStorage creates it with the IRSA role; here the bucket users read the
        // credentials Secret instead, but their pods still name this ServiceAccount, and the API server refuses a pod
        // whose ServiceAccount does not exist (found by the real-server suite's pod admission check).
        new ServiceAccount(Names.child(name, "tempo-service-account"), ServiceAccountArgs.builder()
                .metadata(ObjectMetaArgs.builder().name(plan.tempo(settings).serviceAccount()).namespace(ns)
                        .labels(Labels.of("tempo", "tempo", "storage", env)).annotations(annotations).build())
                .automountServiceAccountToken(false) // Tempo never calls the Kubernetes API
                .build(), opts);

        var credentialEnv = List.of(
                secretEnv("MINIO_ROOT_USER", "AWS_ACCESS_KEY_ID"),
                secretEnv("MINIO_ROOT_PASSWORD", "AWS_SECRET_ACCESS_KEY"));
        var probe = ProbeArgs.builder().httpGet(HTTPGetActionArgs.builder().path("/minio/health/ready")
                .port(StoragePlan.LOCAL_PORT).build()).periodSeconds(10).build();
        var pvcSpec = PersistentVolumeClaimSpecArgs.builder()
                .accessModes("ReadWriteOnce")
                .resources(ResourceRequirementsArgs.builder().requests(Map.of("storage", settings.storage().localSize())).build());
        settings.storage().localStorageClass().ifPresent(pvcSpec::storageClassName);

        new StatefulSet(Names.child(name, "statefulset"), StatefulSetArgs.builder()
                .metadata(ObjectMetaArgs.builder().name(APP).namespace(ns).labels(labels).annotations(annotations).build())
                .spec(StatefulSetSpecArgs.builder()
                        .serviceName(APP)
                        .replicas(1)
                        .selector(LabelSelectorArgs.builder().matchLabels(selector).build())
                        // Deleting or scaling the store never deletes the data volume.
                        .persistentVolumeClaimRetentionPolicy(StatefulSetPersistentVolumeClaimRetentionPolicyArgs.builder()
                                .whenDeleted("Retain").whenScaled("Retain").build())
                        .template(PodTemplateSpecArgs.builder()
                                .metadata(ObjectMetaArgs.builder().labels(labels).build())
                                .spec(PodSpecArgs.builder()
                                        .serviceAccountName(APP)
                                        .automountServiceAccountToken(false)
                                        .securityContext(Hardening.pod(UID))
                                        .containers(ContainerArgs.builder()
                                                .name("minio")
                                                .image(settings.release().image("minio"))
                                                .args("server", "/data", "--address", ":" + StoragePlan.LOCAL_PORT,
                                                        "--certs-dir", "/tmp/certs")
                                                .env(credentialEnv)
                                                .ports(ContainerPortArgs.builder().name("s3").containerPort(StoragePlan.LOCAL_PORT).build())
                                                .readinessProbe(probe)
                                                .livenessProbe(ProbeArgs.builder().httpGet(HTTPGetActionArgs.builder()
                                                        .path("/minio/health/live").port(StoragePlan.LOCAL_PORT).build())
                                                        .periodSeconds(20).build())
                                                .resources(Workloads.resources("100m", "256Mi", "1", "1Gi"))
                                                .securityContext(Hardening.container())
                                                .volumeMounts(
                                                        VolumeMountArgs.builder().name("data").mountPath("/data").build(),
                                                        VolumeMountArgs.builder().name("tmp").mountPath("/tmp").build())
                                                .build())
                                        .volumes(VolumeArgs.builder().name("tmp").emptyDir(EmptyDirVolumeSourceArgs.builder().build()).build())
                                        .build())
                                .build())
                        .volumeClaimTemplates(PersistentVolumeClaimArgs.builder()
                                .metadata(ObjectMetaArgs.builder().name("data").labels(labels).build())
                                .spec(pvcSpec.build())
                                .build())
                        .build())
                .build(), CustomResourceOptions.builder().parent(this).provider(providers.kubernetes())
                        .retainOnDelete(true).build());

        new Service(Names.child(name, "service"), ServiceArgs.builder()
                .metadata(ObjectMetaArgs.builder().name(APP).namespace(ns).labels(labels).annotations(annotations).build())
                .spec(ServiceSpecArgs.builder()
                        .clusterIP("None") // it governs the StatefulSet (serviceName); one pod, so DNS gives its address
                        .selector(selector)
                        .ports(ServicePortArgs.builder().name("s3").port(StoragePlan.LOCAL_PORT)
                                .targetPort(StoragePlan.LOCAL_PORT).build())
                        .build())
                .build(), opts);

        // Idempotent (--ignore-existing); retries until the store answers, so no ordering is needed.
        String script = "until mc alias set local http://" + APP + ":" + StoragePlan.LOCAL_PORT
                + " \"$AWS_ACCESS_KEY_ID\" \"$AWS_SECRET_ACCESS_KEY\"; do sleep 2; done"
                + " && mc mb --ignore-existing local/" + plan.bucketName();
        new Job(Names.child(name, "create-bucket"), JobArgs.builder()
                .metadata(ObjectMetaArgs.builder().name(APP + "-create-bucket").namespace(ns).labels(labels).annotations(annotations).build())
                .spec(JobSpecArgs.builder()
                        .backoffLimit(6)
                        .activeDeadlineSeconds(600)
                        .template(PodTemplateSpecArgs.builder()
                                .metadata(ObjectMetaArgs.builder().labels(labels).build())
                                .spec(PodSpecArgs.builder()
                                        .restartPolicy("OnFailure")
                                        .serviceAccountName(APP)
                                        .automountServiceAccountToken(false)
                                        .securityContext(Hardening.pod(UID))
                                        .containers(ContainerArgs.builder()
                                                .name("create-bucket")
                                                .image(settings.release().image("mc"))
                                                .command("/bin/sh", "-c", script)
                                                .env(EnvVarArgs.builder().name("MC_CONFIG_DIR").value("/tmp/.mc").build())
                                                .envFrom(EnvFromSourceArgs.builder().secretRef(SecretEnvSourceArgs.builder()
                                                        .name(StoragePlan.CREDENTIALS_SECRET).build()).build())
                                                .resources(Workloads.resources("10m", "32Mi", "200m", "128Mi"))
                                                .securityContext(Hardening.container())
                                                .volumeMounts(VolumeMountArgs.builder().name("tmp").mountPath("/tmp").build())
                                                .build())
                                        .volumes(VolumeArgs.builder().name("tmp").emptyDir(EmptyDirVolumeSourceArgs.builder().build()).build())
                                        .build())
                                .build())
                        .build())
                .build(), opts);

        registerOutputs(Map.of("endpoint", Output.of(plan.endpoint())));
    }

    private static EnvVarArgs secretEnv(String name, String key) {
        return EnvVarArgs.builder().name(name).valueFrom(EnvVarSourceArgs.builder().secretKeyRef(SecretKeySelectorArgs.builder()
                .name(StoragePlan.CREDENTIALS_SECRET).key(key).build()).build()).build();
    }
}
