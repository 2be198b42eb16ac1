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
    public Providers {
        Objects.requireNonNull(kubernetes, "kubernetes");
        Objects.requireNonNull(aws, "aws");
    }
}
