package io.tracingplatform.k8s;

import com.pulumi.kubernetes.core.v1.inputs.ResourceRequirementsArgs;
import com.pulumi.kubernetes.networking.v1.inputs.HTTPIngressPathArgs;
import com.pulumi.kubernetes.networking.v1.inputs.HTTPIngressRuleValueArgs;
import com.pulumi.kubernetes.networking.v1.inputs.IngressBackendArgs;
import com.pulumi.kubernetes.networking.v1.inputs.IngressRuleArgs;
import com.pulumi.kubernetes.networking.v1.inputs.IngressServiceBackendArgs;
import com.pulumi.kubernetes.networking.v1.inputs.IngressSpecArgs;
import com.pulumi.kubernetes.networking.v1.inputs.IngressTLSArgs;
import com.pulumi.kubernetes.networking.v1.inputs.ServiceBackendPortArgs;
import java.util.Optional;
import java.util.Map;

/** Small builders shared by every workload. */
public final class Workloads {
    /**
     * A TLS-only Ingress spec routing one path prefix of one host to a Service port (settings refuse a host without
     * a TLS Secret, so there is no plain-HTTP variant).
     */
    public static IngressSpecArgs tlsIngress(String host, String path, String service,
            String portName, Optional<String> className, String tlsSecret) {
        var spec = IngressSpecArgs.builder()
                .tls(IngressTLSArgs.builder().hosts(host).secretName(tlsSecret).build())
                .rules(IngressRuleArgs.builder().host(host)
                        .http(HTTPIngressRuleValueArgs.builder()
                                .paths(HTTPIngressPathArgs.builder().path(path).pathType("Prefix")
                                        .backend(IngressBackendArgs.builder()
                                                .service(IngressServiceBackendArgs.builder()
                                                        .name(service)
                                                        .port(ServiceBackendPortArgs.builder().name(portName).build())
                                                        .build())
                                                .build())
                                        .build())
                                .build())
                        .build());
        className.ifPresent(spec::ingressClassName);
        return spec.build();
    }

    private Workloads() {}

    /**
     * GOMEMLIMIT for a Go container: 85% of its memory limit, so the Go GC works harder before the kernel's OOM
     * killer would (the rest is for what the runtime does not count: cgo, mapped files, the kernel's own).
     */
    public static com.pulumi.kubernetes.core.v1.inputs.EnvVarArgs goMemLimit(String memoryLimit) {
        long mib = io.tracingplatform.config.ModelNumbers.bytes(memoryLimit) / (1024 * 1024);
        return com.pulumi.kubernetes.core.v1.inputs.EnvVarArgs.builder().name("GOMEMLIMIT").value(mib * 85 / 100 + "MiB").build();
    }

    public static ResourceRequirementsArgs resources(String cpu, String memory, String cpuLimit, String memoryLimit) {
        return ResourceRequirementsArgs.builder()
                .requests(Map.of("cpu", cpu, "memory", memory))
                .limits(Map.of("cpu", cpuLimit, "memory", memoryLimit))
                .build();
    }
}
