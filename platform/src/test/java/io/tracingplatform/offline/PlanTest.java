package io.tracingplatform.offline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tracingplatform.Plans;
import io.tracingplatform.TracingPlatform;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PlanTest {
    @ParameterizedTest
    @ValueSource(strings = {"local", "dev", "staging", "prod"})
    void everyStackPlansWithThePlatformNamespaceUnderTheTopComponent(String stack) {
        var plan = Plans.of(stack);
        var top = plan.named(TracingPlatform.TYPE, "platform");
        assertEquals("", top.parent(), "the top component hangs off the stack");
        var ns = plan.named("kubernetes:core/v1:Namespace", "platform-namespace");
        assertEquals("platform", ns.parent(), "namespace must be a child of the platform component");
        @SuppressWarnings("unchecked")
        var metadata = (Map<String, Object>) ns.inputs().get("metadata");
        assertEquals("tracing", metadata.get("name"));
        @SuppressWarnings("unchecked")
        var labels = (Map<String, String>) metadata.get("labels");
        assertEquals(stack, labels.get("tracing-platform.io/environment"));
        assertEquals("restricted", labels.get("pod-security.kubernetes.io/enforce"),
                "platform namespace enforces the restricted Pod Security Standard");
        assertEquals("tracing", plan.outputs().get("namespace"));
        assertEquals(stack, plan.outputs().get("stack"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "dev", "staging", "prod"})
    void everyCustomResourceUsesAnExplicitProvider(String stack) {
        var plan = Plans.of(stack);
        var registered = plan.resources().stream()
                .filter(r -> r.custom() && !r.type().startsWith("pulumi:")).toList();
        assertFalse(registered.isEmpty());
        for (var r : registered) {
            assertFalse(r.parent().isEmpty(), r.type() + " " + r.name() + " must have a parent component");
            String expected = r.type().startsWith("aws:") ? "pulumi:providers:aws::aws::" : "pulumi:providers:kubernetes::k8s::";
            assertTrue(r.provider().contains(expected),
                    r.type() + " " + r.name() + " must use the explicit provider, not a default one: " + r.provider());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void awsStacksHaveAnAwsProviderPinnedToTheirAccount(String stack) {
        var aws = Plans.of(stack).named("pulumi:providers:aws", "aws");
        assertEquals("eu-central-1", aws.inputs().get("region"));
        assertTrue(String.valueOf(aws.inputs().get("allowedAccountIds")).matches(".*\\d{12}.*"),
                "allowedAccountIds stops a deploy into the wrong account: " + aws.inputs());
    }

    @ParameterizedTest
    @ValueSource(strings = {"local"})
    void localStackHasNoAwsProvider(String stack) {
        assertTrue(Plans.of(stack).ofType("pulumi:providers:aws").isEmpty());
    }
}
