package io.tracingplatform.config;

/** Where a stack runs: AWS (EKS + S3) or a local kind cluster with an in-cluster S3-compatible store. */
public enum Cloud {
    AWS("aws"),
    LOCAL("local");

    private final String key;

    Cloud(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    public static Cloud of(String key) {
        for (var c : values()) if (c.key.equals(key)) return c;
        throw new IllegalArgumentException("unknown cloud " + key);
    }
}
