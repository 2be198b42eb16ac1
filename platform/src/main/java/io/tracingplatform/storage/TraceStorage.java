package io.tracingplatform.storage;

import com.pulumi.aws.iam.AccessKey;
import com.pulumi.aws.iam.AccessKeyArgs;
import com.pulumi.aws.iam.Role;
import com.pulumi.aws.iam.RoleArgs;
import com.pulumi.aws.iam.RolePolicy;
import com.pulumi.aws.iam.RolePolicyArgs;
import com.pulumi.aws.iam.User;
import com.pulumi.aws.iam.UserArgs;
import com.pulumi.aws.iam.UserPolicy;
import com.pulumi.aws.iam.UserPolicyArgs;
import com.pulumi.aws.kms.Alias;
import com.pulumi.aws.kms.AliasArgs;
import com.pulumi.aws.kms.Key;
import com.pulumi.aws.kms.KeyArgs;
import com.pulumi.aws.s3.BucketLifecycleConfigurationV2;
import com.pulumi.aws.s3.BucketLifecycleConfigurationV2Args;
import com.pulumi.aws.s3.BucketOwnershipControls;
import com.pulumi.aws.s3.BucketOwnershipControlsArgs;
import com.pulumi.aws.s3.BucketPolicy;
import com.pulumi.aws.s3.BucketPolicyArgs;
import com.pulumi.aws.s3.BucketPublicAccessBlock;
import com.pulumi.aws.s3.BucketPublicAccessBlockArgs;
import com.pulumi.aws.s3.BucketServerSideEncryptionConfigurationV2;
import com.pulumi.aws.s3.BucketServerSideEncryptionConfigurationV2Args;
import com.pulumi.aws.s3.BucketV2;
import com.pulumi.aws.s3.BucketV2Args;
import com.pulumi.aws.s3.inputs.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs;
import com.pulumi.aws.s3.inputs.BucketLifecycleConfigurationV2RuleArgs;
import com.pulumi.aws.s3.inputs.BucketLifecycleConfigurationV2RuleExpirationArgs;
import com.pulumi.aws.s3.inputs.BucketLifecycleConfigurationV2RuleFilterArgs;
import com.pulumi.aws.s3.inputs.BucketOwnershipControlsRuleArgs;
import com.pulumi.aws.s3.inputs.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs;
import com.pulumi.aws.s3.inputs.BucketServerSideEncryptionConfigurationV2RuleArgs;
import com.pulumi.core.Output;
import com.pulumi.kubernetes.core.v1.Secret;
import com.pulumi.kubernetes.core.v1.SecretArgs;
import com.pulumi.kubernetes.core.v1.ServiceAccount;
import com.pulumi.kubernetes.core.v1.ServiceAccountArgs;
import com.pulumi.kubernetes.meta.v1.inputs.ObjectMetaArgs;
import com.pulumi.resources.ComponentResource;
import com.pulumi.resources.ComponentResourceOptions;
import com.pulumi.resources.CustomResourceOptions;
import io.tracingplatform.Providers;
import io.tracingplatform.config.StackSettings;
import io.tracingplatform.config.StorageSettings;
import io.tracingplatform.k8s.Labels;
import io.tracingplatform.k8s.Names;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The trace bucket of an AWS stack, hardened: SSE-KMS with a dedicated rotating key (or SSE-S3), all public
 * access blocked, bucket-owner-enforced ownership, TLS-only policy, lifecycle backstop, and least-privilege
 * access for Tempo through IRSA (or an IAM user whose key lands in a Kubernetes Secret). The platform's only
 * durable data: bucket and key are retained on delete everywhere and protected in prod.
 */
public final class TraceStorage extends ComponentResource {
    public static final String TYPE = "tracing-platform:storage:TraceStorage";

    private final Output<String> bucketName;
    private final Output<String> bucketArn;
    private final Output<String> roleArn;

    public TraceStorage(String name, StackSettings settings, StoragePlan plan, Providers providers,
                        ComponentResourceOptions options) {
        super(TYPE, name, options);
        var aws = providers.aws().orElseThrow(() -> new IllegalStateException("TraceStorage needs the AWS provider"));
        var storage = settings.storage();
        CustomResourceOptions awsOpts = CustomResourceOptions.builder().parent(this).provider(aws).build();
        // Retained everywhere: a retained bucket is unreadable without its key. Protected in prod.
        CustomResourceOptions stateful = CustomResourceOptions.builder().parent(this).provider(aws)
                .retainOnDelete(true).protect(plan.protect()).build();

        Optional<Key> key = Optional.empty();
        if (storage.encryption() == StorageSettings.Encryption.SSE_KMS) {
            var k = new Key(Names.child(name, "key"), KeyArgs.builder()
                    .description("Trace bucket " + plan.bucketName() + " (tracing-platform, " + settings.environment() + ")")
                    .enableKeyRotation(true)
                    .deletionWindowInDays(storage.kmsDeletionWindowDays())
                    .tags(plan.tags())
                    .build(), stateful);
            new Alias(Names.child(name, "key-alias"), AliasArgs.builder()
                    .name("alias/" + plan.bucketName())
                    .targetKeyId(k.keyId())
                    .build(), awsOpts);
            key = Optional.of(k);
        }

        var bucket = new BucketV2(Names.child(name, "bucket"), BucketV2Args.builder()
                .bucket(plan.bucketName())
                .forceDestroy(false)
                .tags(plan.tags())
                .build(), stateful);

        var sse = BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs.builder();
        if (key.isPresent()) sse.sseAlgorithm("aws:kms").kmsMasterKeyId(key.get().arn());
        else sse.sseAlgorithm("AES256");
        new BucketServerSideEncryptionConfigurationV2(Names.child(name, "encryption"),
                BucketServerSideEncryptionConfigurationV2Args.builder()
                        .bucket(bucket.id())
                        .rules(BucketServerSideEncryptionConfigurationV2RuleArgs.builder()
                                .applyServerSideEncryptionByDefault(sse.build())
                                .bucketKeyEnabled(key.isPresent()) // fewer KMS calls, lower cost
                                .build())
                        .build(), awsOpts);

        var publicAccess = new BucketPublicAccessBlock(Names.child(name, "public-access-block"),
                BucketPublicAccessBlockArgs.builder()
                        .bucket(bucket.id())
                        .blockPublicAcls(true)
                        .blockPublicPolicy(true)
                        .ignorePublicAcls(true)
                        .restrictPublicBuckets(true)
                        .build(), awsOpts);

        new BucketOwnershipControls(Names.child(name, "ownership"), BucketOwnershipControlsArgs.builder()
                .bucket(bucket.id())
                .rule(BucketOwnershipControlsRuleArgs.builder().objectOwnership("BucketOwnerEnforced").build())
                .build(), awsOpts);

        new BucketPolicy(Names.child(name, "tls-only-policy"), BucketPolicyArgs.builder()
                .bucket(bucket.id())
                .policy(plan.tlsOnlyBucketPolicy().toJson())
                .build(), CustomResourceOptions.builder().parent(this).provider(aws).dependsOn(publicAccess).build());

        new BucketLifecycleConfigurationV2(Names.child(name, "lifecycle"), BucketLifecycleConfigurationV2Args.builder()
                .bucket(bucket.id())
                .rules(
                        BucketLifecycleConfigurationV2RuleArgs.builder()
                                .id("abort-incomplete-multipart-uploads")
                                .status("Enabled")
                                .filter(BucketLifecycleConfigurationV2RuleFilterArgs.builder().prefix("").build())
                                .abortIncompleteMultipartUpload(BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs.builder()
                                        .daysAfterInitiation(1).build())
                                .build(),
                        // Tempo's compactor deletes blocks past retention itself; this only catches what it misses.
                        BucketLifecycleConfigurationV2RuleArgs.builder()
                                .id("backstop-expiration")
                                .status("Enabled")
                                .filter(BucketLifecycleConfigurationV2RuleFilterArgs.builder().prefix("").build())
                                .expiration(BucketLifecycleConfigurationV2RuleExpirationArgs.builder()
                                        .days(plan.expirationDays()).build())
                                .build())
                .build(), awsOpts);

        Optional<Output<String>> keyArn = key.map(Key::arn);
        Output<String> policyJson = keyArn
                .map(arn -> arn.applyValue(a -> plan.tempoPolicy(Optional.of(a)).toJson()))
                .orElse(Output.of(plan.tempoPolicy(Optional.empty()).toJson()));

        var namespace = settings.kubernetes().namespace();
        var k8sOpts = CustomResourceOptions.builder().parent(this).provider(providers.kubernetes()).build();
        Output<String> role;
        if (storage.access() == StorageSettings.Access.IRSA) {
            var r = new Role(Names.child(name, "tempo-role"), RoleArgs.builder()
                    .name(plan.roleName().orElseThrow())
                    .description("Grafana Tempo of " + settings.clusterName() + " reads and writes its trace bucket")
                    .assumeRolePolicy(StoragePlan.irsaTrustPolicy(storage.oidcProviderArn().orElseThrow(),
                            storage.oidcIssuer(), namespace, storage.serviceAccount()).toJson())
                    .tags(plan.tags())
                    .build(), awsOpts);
            new RolePolicy(Names.child(name, "tempo-policy"), RolePolicyArgs.builder()
                    .role(r.name())
                    .policy(policyJson)
                    .build(), awsOpts);
            role = r.arn();
        } else {
            var user = new User(Names.child(name, "tempo-user"), UserArgs.builder()
                    .name(settings.clusterName() + "-tempo")
                    .tags(plan.tags())
                    .build(), awsOpts);
            new UserPolicy(Names.child(name, "tempo-user-policy"), UserPolicyArgs.builder()
                    .user(user.name())
                    .policy(policyJson)
                    .build(), awsOpts);
            var accessKey = new AccessKey(Names.child(name, "tempo-access-key"), AccessKeyArgs.builder()
                    .user(user.name()).build(), awsOpts);
            new Secret(Names.child(name, "credentials"), SecretArgs.builder()
                    .metadata(ObjectMetaArgs.builder().name(StoragePlan.CREDENTIALS_SECRET).namespace(namespace)
                            .labels(Labels.of("tempo", "tempo", "storage", settings.environment()))
                            .annotations(settings.kubernetes().objectAnnotations()).build())
                    .type("Opaque")
                    .stringData(Output.tuple(accessKey.id(), accessKey.secret()).applyValue(t -> Map.of(
                            "AWS_ACCESS_KEY_ID", t.t1, "AWS_SECRET_ACCESS_KEY", t.t2)))
                    .build(), CustomResourceOptions.builder().parent(this).provider(providers.kubernetes())
                            .additionalSecretOutputs(List.of("stringData", "data")).build());
            role = Output.of("");
        }

        var tempo = plan.tempo(settings);
        new ServiceAccount(Names.child(name, "tempo-service-account"), ServiceAccountArgs.builder()
                .metadata(ObjectMetaArgs.builder()
                        .name(tempo.serviceAccount())
                        .namespace(namespace)
                        .labels(Labels.of("tempo", "tempo", "storage", settings.environment()))
                        .annotations(merged(tempo.serviceAccountAnnotations(), settings.kubernetes().objectAnnotations()))
                        .build())
                .automountServiceAccountToken(false) // Tempo never calls the Kubernetes API
                .build(), k8sOpts);

        this.bucketName = bucket.bucket();
        this.bucketArn = bucket.arn();
        this.roleArn = role;
        registerOutputs(Map.of("bucketName", bucketName, "bucketArn", bucketArn, "roleArn", roleArn));
    }

    public Output<String> bucketName() { return bucketName; }
    public Output<String> bucketArn() { return bucketArn; }
    public Output<String> roleArn() { return roleArn; }

    private static Map<String, String> merged(Map<String, String> a, Map<String, String> b) {
        var all = new java.util.TreeMap<>(a);
        all.putAll(b);
        return all;
    }
}
