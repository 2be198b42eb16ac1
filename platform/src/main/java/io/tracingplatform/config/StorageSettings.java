package io.tracingplatform.config;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Trace storage ({@code tracing-platform:storage}).
 *
 * @param bucketName trace bucket name; default {@code <clusterName>-traces-<accountId>} on AWS (S3 names are
 *     global), {@code tempo-traces} on local
 * @param encryption {@code sse-kms} (default: a dedicated customer-managed key, rotation on) or {@code sse-s3}
 * @param expirationMarginDays days added to the longest retention of the stack for the lifecycle backstop
 *     expiration; default 7
 * @param access how Tempo reaches the bucket on AWS: {@code irsa} (default) or {@code static} (an IAM user
 *     whose access key lands in a Kubernetes Secret)
 * @param oidcProviderArn the EKS cluster's IAM OIDC provider ARN; required for irsa
 * @param oidcProviderUrl its issuer URL (https://oidc.eks...); required for irsa
 * @param serviceAccount Kubernetes ServiceAccount of the Tempo components that touch the bucket; default tempo
 * @param kmsDeletionWindowDays waiting period before a deleted key is gone, 7..30; default 30
 * @param localSize PVC size of the local S3-compatible store; default 10Gi
 * @param localStorageClass storage class of that PVC; default the cluster's default
 */
public record StorageSettings(String bucketName, Encryption encryption, int expirationMarginDays, Access access,
                              Optional<String> oidcProviderArn, Optional<String> oidcProviderUrl,
                              String serviceAccount, int kmsDeletionWindowDays, String localSize,
                              Optional<String> localStorageClass) {
    /** S3 bucket naming rules (no dots: they break virtual-hosted TLS). */
    static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9-]{1,61}[a-z0-9]");
    static final Pattern OIDC_ARN = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:oidc-provider/.+");
    static final Pattern OIDC_URL = Pattern.compile("https://[^\\s/]+(/[^\\s]*)?");
    static final Pattern QUANTITY = Pattern.compile("\\d+(Ki|Mi|Gi|Ti)");

    public enum Encryption { SSE_KMS, SSE_S3 }

    public enum Access { IRSA, STATIC }

    public StorageSettings {
        Objects.requireNonNull(bucketName, "storage.bucketName");
        if (access == Access.IRSA && (oidcProviderArn.isEmpty() || oidcProviderUrl.isEmpty())) {
            throw new IllegalArgumentException("storage.irsa needs oidcProviderArn and oidcProviderUrl");
        }
    }

    /** The issuer without scheme, as IAM condition keys use it ({@code oidc.eks.../id/X:sub}). */
    public String oidcIssuer() {
        // IAM names the condition keys after the issuer without scheme or trailing "/" (oidc.eks.<region>.amazonaws.com/
        // id/<ID>:sub); "…/<ID>/:sub" would never match and every AssumeRoleWithWebIdentity would be denied.
        return oidcProviderUrl.orElseThrow().replaceFirst("^https://", "").replaceFirst("/+$", "");
    }

    static StorageSettings read(Fields f, Cloud cloud, String clusterName, Optional<AwsSettings> aws) {
        String defaultName = cloud == Cloud.AWS
                ? clusterName + "-traces-" + aws.map(AwsSettings::accountId).orElse("000000000000")
                : "tempo-traces";
        String bucket = f.matching("bucketName", f.string("bucketName", defaultName), BUCKET,
                "is not a valid S3 bucket name (3..63 lowercase letters, digits, '-')", defaultName);
        var encryption = f.choice("encryption", java.util.List.of("sse-kms", "sse-s3"), "sse-kms", false)
                .equals("sse-kms") ? Encryption.SSE_KMS : Encryption.SSE_S3;
        int margin = (int) f.integer("expirationMarginDays", 7, 1, 365, "days");
        var access = f.choice("access", java.util.List.of("irsa", "static"), "irsa", false)
                .equals("irsa") ? Access.IRSA : Access.STATIC;
        var arn = f.optionalString("oidcProviderArn").map(v -> f.matching("oidcProviderArn", v, OIDC_ARN,
                "is not an IAM OIDC provider ARN (arn:aws:iam::<account>:oidc-provider/oidc.eks...)", "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/EXAMPLE"));
        var url = f.optionalString("oidcProviderUrl").map(v -> f.matching("oidcProviderUrl", v, OIDC_URL,
                "is not an https URL", "https://oidc.eks.eu-central-1.amazonaws.com/id/EXAMPLE"));
        if (cloud == Cloud.AWS && access == Access.IRSA) {
            if (arn.isEmpty()) f.problem("oidcProviderArn", "is required for access 'irsa' (the EKS cluster's IAM OIDC provider).",
                    "arn:aws:iam::" + aws.map(AwsSettings::accountId).orElse("123456789012") + ":oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/<id>");
            if (url.isEmpty()) f.problem("oidcProviderUrl", "is required for access 'irsa' (aws eks describe-cluster --query cluster.identity.oidc.issuer).",
                    "https://oidc.eks.eu-central-1.amazonaws.com/id/<id>");
        }
        String sa = f.dnsLabel("serviceAccount", f.string("serviceAccount", "tempo"), 63, "tempo");
        int window = (int) f.integer("kmsDeletionWindowDays", 30, 7, 30, "days");
        String size = f.matching("localSize", f.string("localSize", "10Gi"), QUANTITY, "is not a size like 10Gi", "10Gi");
        var storageClass = f.optionalString("localStorageClass");
        f.finish();
        if (cloud == Cloud.LOCAL) access = Access.STATIC; // the local store has keys, not IAM
        boolean irsaUsable = access != Access.IRSA || (arn.isPresent() && url.isPresent());
        return new StorageSettings(bucket, encryption, margin, irsaUsable ? access : Access.STATIC, arn, url, sa,
                window, size, storageClass);
    }
}
