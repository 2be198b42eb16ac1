package io.tracingplatform;

import java.util.Objects;
import java.util.Optional;

/**
 * The explicit providers App creates and passes down; components never create providers, so no resource
 * falls back to an ambient default provider.
 *
 * @param kubernetes the cluster of this stack
 * @param aws the AWS account and region; present on AWS stacks only
 */
public record Providers(com.pulumi.kubernetes.Provider kubernetes, Optional<com.pulumi.aws.Provider> aws) {
    /**
     * The Kubernetes provider plugin the stack's provider runs (its resource option {@code version}). The Java SDK
     * (com.pulumi:kubernetes 4.0.0, the last one on Maven Central) would ask for plugin 4.0.0 from 2023; 4.25.0
     * serves the same resource types (additive schema within major 4) and is the version the real-server suite
     * builds and runs {@code pulumi up} with (platform/servers/pulumi-resource-kubernetes).
     */
    public static final String KUBERNETES_PLUGIN = "4.25.0";

    public Providers {
        Objects.requireNonNull(kubernetes, "kubernetes");
        Objects.requireNonNull(aws, "aws");
    }
}
