package io.tracingplatform.storage;

import io.tracingplatform.config.AwsSettings;
import io.tracingplatform.config.StackSettings;
import io.tracingplatform.tenants.Tenant;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Trace storage as data: names, ARNs, tags, lifecycle and policies, a pure function of settings and tenants.
 * The component turns it into resources; Tempo's config reads {@link TempoStorage} from it.
 *
 * @param bucketName the bucket
 * @param bucketArn its ARN (derived: bucket ARNs are arn:aws:s3:::name)
 * @param region region of the bucket
 * @param endpoint S3 endpoint Tempo talks to (host[:port], no scheme)
 * @param roleName IAM role Tempo assumes through IRSA; empty when not IRSA
 * @param roleArn its ARN (derived from account and name)
 * @param expirationDays backstop expiration: longest retention in the stack plus the margin
 * @param tags tags of the bucket and key
 * @param protect whether bucket and key are protected (prod)
 */
public record StoragePlan(String bucketName, String bucketArn, String region, String endpoint,
                          Optional<String> roleName, Optional<String> roleArn, int expirationDays,
                          Map<String, String> tags, boolean protect) {
    /** Everything Tempo needs to reach its bucket. */
    public record TempoStorage(String bucket, String endpoint, String region, boolean insecure, boolean forcePathStyle,
                               String serviceAccount, Map<String, String> serviceAccountAnnotations,
                               Optional<String> credentialsSecret) {}

    public static final String CREDENTIALS_SECRET = "tempo-s3-credentials";
    public static final String LOCAL_STORE = "local-s3";
    public static final int LOCAL_PORT = 9000;

    public static final List<String> TEMPO_OBJECT_ACTIONS = List.of("s3:GetObject", "s3:PutObject", "s3:DeleteObject",
            "s3:GetObjectTagging", "s3:PutObjectTagging");
    /**
     * SSE-KMS as Tempo uses it: GenerateDataKey to write (S3 encrypts with the data key; kms:Encrypt is never called),
     * Decrypt to read (AWS docs, "Permissions for SSE-KMS"); DescribeKey for the bucket key.
     */
    public static final List<String> TEMPO_KMS_ACTIONS = List.of("kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey");

    public static StoragePlan of(StackSettings settings, List<Tenant> tenants) {
        var storage = settings.storage();
        int days = expirationDays(settings.tenants().defaults().retention(), tenants, storage.expirationMarginDays());
        var tags = new TreeMap<String, String>();
        tags.put("environment", settings.environment());
        tags.put("managed-by", "pulumi/tracing-platform");
        tags.put("cost-owner", settings.aws().map(a -> a.defaultTags().getOrDefault("cost-center", "platform")).orElse("platform"));
        tags.put("data-class", "traces");
        if (settings.aws().isEmpty()) {
            String endpoint = LOCAL_STORE + "." + settings.kubernetes().namespace() + ".svc:" + LOCAL_PORT;
            return new StoragePlan(storage.bucketName(), "", "us-east-1", endpoint, Optional.empty(), Optional.empty(),
                    days, tags, false);
        }
        AwsSettings aws = settings.aws().get();
        boolean irsa = storage.access() == io.tracingplatform.config.StorageSettings.Access.IRSA;
        String roleName = settings.clusterName() + "-tempo";
        return new StoragePlan(storage.bucketName(), "arn:aws:s3:::" + storage.bucketName(), aws.region(),
                "s3." + aws.region() + ".amazonaws.com",
                irsa ? Optional.of(roleName) : Optional.empty(),
                irsa ? Optional.of("arn:aws:iam::" + aws.accountId() + ":role/" + roleName) : Optional.empty(),
                days, tags, settings.isProduction());
    }

    /**
     * Longest retention any data in the bucket may have, plus the margin. The stack default counts too: an
     * offboarded tenant's traces age out under it.
     */
    static int expirationDays(Duration defaultRetention, List<Tenant> tenants, int marginDays) {
        Duration longest = defaultRetention;
        for (var t : tenants) if (t.settings().retention().compareTo(longest) > 0) longest = t.settings().retention();
        long days = (longest.toHours() + 23) / 24; // round partial days up: never expire inside a retention
        return (int) days + marginDays;
    }

    public TempoStorage tempo(StackSettings settings) {
        boolean local = settings.aws().isEmpty();
        var annotations = new TreeMap<String, String>();
        roleArn.ifPresent(arn -> annotations.put("eks.amazonaws.com/role-arn", arn));
        boolean staticKeys = local || roleArn.isEmpty();
        return new TempoStorage(bucketName, endpoint, region, local, local, settings.storage().serviceAccount(),
                annotations, staticKeys ? Optional.of(CREDENTIALS_SECRET) : Optional.empty());
    }

    /** Bucket policy: refuse every request that does not use TLS. */
    public PolicyDocument tlsOnlyBucketPolicy() {
        return new PolicyDocument(List.of(new PolicyDocument.Statement("DenyInsecureTransport", "Deny", "*",
                List.of("s3:*"), List.of(bucketArn, bucketArn + "/*"),
                Map.of("Bool", Map.of("aws:SecureTransport", "false")))));
    }

    /** Tempo's least-privilege policy (Tempo's documented minimum), the key only when SSE-KMS is used. */
    public PolicyDocument tempoPolicy(Optional<String> kmsKeyArn) {
        var statements = new java.util.ArrayList<PolicyDocument.Statement>();
        statements.add(new PolicyDocument.Statement("ListTraceBucket", "Allow", null, List.of("s3:ListBucket"),
                List.of(bucketArn), null));
        statements.add(new PolicyDocument.Statement("ReadWriteTraceObjects", "Allow", null, TEMPO_OBJECT_ACTIONS,
                List.of(bucketArn + "/*"), null));
        // kms:ViaService: the key only through S3 in the bucket's region, never called directly with these credentials.
        kmsKeyArn.ifPresent(arn -> statements.add(new PolicyDocument.Statement("UseTraceBucketKey", "Allow", null,
                TEMPO_KMS_ACTIONS, List.of(arn), Map.of("StringEquals", Map.of("kms:ViaService", "s3." + region + ".amazonaws.com")))));
        return new PolicyDocument(statements);
    }

    /** IRSA trust: only the Tempo ServiceAccount of this namespace, with the STS audience. */
    public static PolicyDocument irsaTrustPolicy(String oidcProviderArn, String issuer, String namespace, String serviceAccount) {
        var condition = new TreeMap<String, Object>();
        condition.put(issuer + ":sub", "system:serviceaccount:" + namespace + ":" + serviceAccount);
        condition.put(issuer + ":aud", "sts.amazonaws.com");
        return new PolicyDocument(List.of(new PolicyDocument.Statement("TempoServiceAccount", "Allow",
                Map.of("Federated", oidcProviderArn), List.of("sts:AssumeRoleWithWebIdentity"), null,
                Map.of("StringEquals", condition))));
    }
}
