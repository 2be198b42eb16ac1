package io.tracingplatform.offline;

import java.util.List;
import java.util.Map;

/**
 * What the offline engine saw: every resource with its type, logical name, parent and inputs, and the stack
 * outputs. Ordered deterministically (tree order, then type, then name) so two plans diff cleanly.
 *
 * @param stack stack name
 * @param resources all resources, components included (components have no inputs)
 * @param outputs stack outputs; secret values shown as "[secret]"
 */
public record Plan(String stack, List<PlannedResource> resources, Map<String, Object> outputs) {
    /**
     * @param type Pulumi type token
     * @param name logical name
     * @param parent logical name of the parent ("" for stack-level resources)
     * @param parentType type token of the parent ("" for stack-level resources)
     * @param urn the URN the real engine would give it (project tracing-platform)
     * @param inputs inputs as the provider receives them
     * @param custom whether a provider manages it (false for components)
     * @param provider the provider reference ("urn::id") a custom resource was registered with, else ""
     * @param protect whether the real engine refuses to delete it
     * @param retainOnDelete whether a delete leaves the cloud object in place
     */
    public record PlannedResource(String type, String name, String parent, String parentType, String urn,
                                  Map<String, Object> inputs, boolean custom, String provider, boolean protect,
                                  boolean retainOnDelete) {
        public boolean isKubernetesObject() {
            return custom && type.startsWith("kubernetes:") && !type.startsWith("kubernetes:helm")
                    && inputs.containsKey("apiVersion") && inputs.containsKey("kind");
        }
    }

    public List<PlannedResource> ofType(String type) {
        return resources.stream().filter(r -> r.type().equals(type)).toList();
    }

    public PlannedResource named(String type, String name) {
        return resources.stream().filter(r -> r.type().equals(type) && r.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no resource " + type + " named " + name + " in the plan of "
                        + stack));
    }
}
