package io.tracingplatform.k8s;

import com.pulumi.kubernetes.core.v1.inputs.CapabilitiesArgs;
import com.pulumi.kubernetes.core.v1.inputs.PodSecurityContextArgs;
import com.pulumi.kubernetes.core.v1.inputs.SeccompProfileArgs;
import com.pulumi.kubernetes.core.v1.inputs.SecurityContextArgs;

/**
 * The security context every platform container and pod gets: non-root, read-only root filesystem, all
 * capabilities dropped, no privilege escalation, seccomp RuntimeDefault (the "restricted" Pod Security
 * Standard the platform namespace enforces). Writable paths are emptyDir or PVC mounts.
 */
public final class Hardening {
    private Hardening() {}

    public static SecurityContextArgs container() {
        return SecurityContextArgs.builder()
                .runAsNonRoot(true)
                .readOnlyRootFilesystem(true)
                .allowPrivilegeEscalation(false)
                .capabilities(CapabilitiesArgs.builder().drop("ALL").build())
                .seccompProfile(SeccompProfileArgs.builder().type("RuntimeDefault").build())
                .build();
    }

    public static PodSecurityContextArgs pod(int uid) {
        return PodSecurityContextArgs.builder()
                .runAsNonRoot(true)
                .runAsUser(uid)
                .runAsGroup(uid)
                .fsGroup(uid)
                .seccompProfile(SeccompProfileArgs.builder().type("RuntimeDefault").build())
                .build();
    }
}
