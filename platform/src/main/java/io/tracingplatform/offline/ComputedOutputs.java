package io.tracingplatform.offline;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Output-only fields a real provider computes and the program reads. Kept to what is read, and derived the
 * way AWS derives them, so offline outputs look like real ones.
 */
final class ComputedOutputs {
    private ComputedOutputs() {}

    /** The id a provider would assign: the physical name where the program sets one. */
    static String id(String type, String name, Map<String, Object> inputs) {
        Object bucket = inputs.get("bucket");
        if (bucket instanceof String s) return s;
        Object metadata = inputs.get("metadata");
        if (metadata instanceof Map<?, ?> m && m.get("name") instanceof String n) {
            return m.get("namespace") instanceof String ns ? ns + "/" + n : n;
        }
        return name + "-id";
    }

    static Map<String, Object> of(String type, String name, Map<String, Object> inputs, String accountId, String region) {
        var out = new LinkedHashMap<String, Object>();
        String id = id(type, name, inputs);
        switch (type) {
            case "aws:s3/bucketV2:BucketV2", "aws:s3/bucket:Bucket" -> {
                out.put("arn", "arn:aws:s3:::" + id);
                out.put("bucketRegionalDomainName", id + ".s3." + region + ".amazonaws.com");
                out.put("region", region);
            }
            case "aws:kms/key:Key" -> {
                out.put("arn", "arn:aws:kms:" + region + ":" + accountId + ":key/" + name + "-0000");
                out.put("keyId", name + "-0000");
            }
            case "aws:iam/role:Role" -> out.put("arn", "arn:aws:iam::" + accountId + ":role/" + inputs.getOrDefault("name", name));
            case "aws:iam/user:User" -> out.put("arn", "arn:aws:iam::" + accountId + ":user/" + inputs.getOrDefault("name", name));
            // Offline stand-ins for what AWS generates; marked secret by the program, never real.
            case "aws:iam/accessKey:AccessKey" -> out.put("secret", "offline-secret-access-key");
            case "aws:iam/policy:Policy" -> out.put("arn", "arn:aws:iam::" + accountId + ":policy/" + inputs.getOrDefault("name", name));
            default -> { }
        }
        return out;
    }
}
