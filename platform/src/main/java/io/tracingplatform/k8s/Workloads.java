package io.tracingplatform.k8s;

import com.pulumi.kubernetes.core.v1.inputs.ResourceRequirementsArgs;
import java.util.Map;

/** Small builders shared by every workload. */
public final class Workloads {
    private Workloads() {}

    public static ResourceRequirementsArgs resources(String cpu, String memory, String cpuLimit, String memoryLimit) {
        return ResourceRequirementsArgs.builder()
                .requests(Map.of("cpu", cpu, "memory", memory))
                .limits(Map.of("cpu", cpuLimit, "memory", memoryLimit))
                .build();
    }
}
