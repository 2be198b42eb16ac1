package io.tracingplatform.k8s;

/**
 * The one naming helper. Pulumi logical names (part of every URN: changing one replaces the resource) are
 * the parent's name plus a role; Kubernetes names come from settings and are set explicitly so no random
 * suffix appears and rendered manifests match what {@code pulumi up} creates.
 */
public final class Names {
    /** Logical name of the top component; never change it (every child's URN contains its type chain). */
    public static final String ROOT = "platform";

    private Names() {}

    public static String child(String parent, String role) {
        return parent + "-" + role;
    }
}
