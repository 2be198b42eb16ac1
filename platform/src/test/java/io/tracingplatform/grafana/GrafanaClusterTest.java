package io.tracingplatform.grafana;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tracingplatform.Plans;
import io.tracingplatform.config.DerivedCredentials;
import io.tracingplatform.config.Secret;
import io.tracingplatform.yaml.Yaml;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Grafana's resources as the offline engine records them. */
class GrafanaClusterTest {
    @SuppressWarnings("unchecked")
    static <T> T at(Object map, String... path) {
        Object v = map;
        for (String p : path) {
            v = v instanceof List<?> l ? l.get(Integer.parseInt(p)) : ((Map<String, Object>) v).get(p);
            if (v == null) return null;
        }
        return (T) v;
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "dev", "staging", "prod"})
    void noSecretOutsideSecrets(String stack) {
        var plan = Plans.of(stack);
        // Offline the seed is the placeholder, so the derived admin password is computable here.
        String adminPassword = DerivedCredentials.hmacHex(Secret.OFFLINE_PLACEHOLDER, "grafana-admin");
        int secrets = 0;
        for (var r : plan.resources()) {
            String inputs = Yaml.toJson(r.inputs());
            if (r.type().equals("kubernetes:core/v1:Secret")) {
                secrets++;
                continue;
            }
            String where = stack + " " + r.type() + " " + r.name();
            // The sync's program names the secure fields it compares; it holds no value (checked below: it is the script).
            if (r.name().equals("platform-grafana-org-sync-program")) continue;
            assertFalse(inputs.contains(adminPassword), where + " holds Grafana's admin password");
            assertFalse(inputs.contains("httpHeaderValue1") || inputs.contains("secureJsonData"), where + " holds tenant header values");
            assertFalse(inputs.contains("GF_SECURITY_ADMIN_PASSWORD\" : \"") || inputs.contains("CLIENT_SECRET\" : \""), where + " holds a literal credential");
        }
        assertTrue(secrets >= 3, "grafana, grafana-datasources and grafana-desired-state are Secrets");
        var desired = plan.named("kubernetes:core/v1:Secret", "platform-grafana-desired-state");
        String data = at(desired.inputs(), "data", DesiredStateDocument.KEY);
        assertTrue(DesiredStateDocument.fromSecretData(data).toString().contains("secureJsonData") || data.contains("[secret]"),
                "the desired state (with header values) is in a Secret, gzip'd");
    }

    @Test
    void grafanaRunsHardenedWithItsDataKeptAndConfigRollingThePods() {
        var plan = Plans.of("local");
        var deployment = plan.named("kubernetes:apps/v1:Deployment", "platform-grafana-deployment");
        assertEquals(Plans.inputs("local").settings().release().image("grafana"),
                at(deployment.inputs(), "spec", "template", "spec", "containers", "0", "image"));
        assertEquals("Recreate", at(deployment.inputs(), "spec", "strategy", "type"), "sqlite's volume is ReadWriteOnce");
        assertEquals(472.0, ((Number) at(deployment.inputs(), "spec", "template", "spec", "securityContext", "runAsUser")).doubleValue());
        assertTrue(String.valueOf((Object) at(deployment.inputs(), "spec", "template", "metadata", "annotations")).contains("config-hash"));
        var pvc = plan.named("kubernetes:core/v1:PersistentVolumeClaim", "platform-grafana-data");
        assertTrue(pvc.retainOnDelete(), "users' dashboards survive a stack removal");
        var prod = Plans.of("prod");
        var prodDeployment = prod.named("kubernetes:apps/v1:Deployment", "platform-grafana-deployment");
        assertEquals(2.0, ((Number) at(prodDeployment.inputs(), "spec", "replicas")).doubleValue());
        assertEquals("RollingUpdate", at(prodDeployment.inputs(), "spec", "strategy", "type"));
        assertTrue(prod.ofType("kubernetes:core/v1:PersistentVolumeClaim").isEmpty(), "an external database needs no volume");
        prod.named("kubernetes:policy/v1:PodDisruptionBudget", "platform-grafana-pdb");
        var ingress = prod.named("kubernetes:networking.k8s.io/v1:Ingress", "platform-grafana-ingress");
        assertEquals("grafana-tls", at(ingress.inputs(), "spec", "tls", "0", "secretName"));
    }

    @Test
    void theSyncRunsOnceWhenTheDesiredStateChangesAndOnScheduleAgainstDrift() {
        var plan = Plans.of("prod");
        var grafana = GrafanaPlan.of(Plans.inputs("prod").settings(), Plans.inputs("prod").tenants());
        var job = plan.named("kubernetes:batch/v1:Job", "platform-grafana-org-sync");
        assertEquals(GrafanaPlan.SYNC + "-" + grafana.syncHash(), at(job.inputs(), "metadata", "name"),
                "named after the desired state: a new document is a new Job (same URN, so the old one is replaced)");
        List<String> command = at(job.inputs(), "spec", "template", "spec", "containers", "0", "command");
        assertEquals(List.of("python3", "/sync/grafana_org_sync.py", "--desired", "/desired/desired-state.json.gz",
                "--url", "http://grafana.tracing.svc.cluster.local:3000"), command);
        assertEquals(Plans.inputs("prod").settings().release().image("orgSync"),
                at(job.inputs(), "spec", "template", "spec", "containers", "0", "image"));
        var cron = plan.named("kubernetes:batch/v1:CronJob", "platform-grafana-org-sync-schedule");
        assertEquals("*/30 * * * *", at(cron.inputs(), "spec", "schedule"));
        assertEquals("Forbid", at(cron.inputs(), "spec", "concurrencyPolicy"));
        var program = plan.named("kubernetes:core/v1:ConfigMap", "platform-grafana-org-sync-program");
        assertEquals(grafana.syncScript(), at(program.inputs(), "data", "grafana_org_sync.py"));
    }

    @Test
    void grafanaAddsNoResourcePerTenant() {
        long local = Plans.of("local").resources().stream().filter(r -> r.parent().equals("platform-grafana")).count();
        long prod = Plans.of("prod").resources().stream().filter(r -> r.parent().equals("platform-grafana")).count();
        assertTrue(local <= 17 && prod <= 17, "Grafana is a fixed set: local " + local + ", prod " + prod);
    }

    @Test
    void theAdminPasswordIsResetFromTheSecretAtEveryStart() {
        var deployment = Plans.of("prod").named("kubernetes:apps/v1:Deployment", "platform-grafana-deployment");
        Map<String, Object> init = at(deployment.inputs(), "spec", "template", "spec", "initContainers", "0");
        assertEquals(Plans.inputs("prod").settings().release().image("grafana"), init.get("image"), "Grafana's own CLI, pinned image");
        List<String> command = at(init, "command");
        assertEquals(List.of("sh", "-c", GrafanaCluster.RESET_ADMIN_PASSWORD), command);
        assertTrue(command.get(2).contains("admin reset-admin-password --password-from-stdin"), "password on stdin, not in argv");
        List<Map<String, Object>> env = at(init, "env");
        var password = env.stream().filter(e -> "GF_SECURITY_ADMIN_PASSWORD".equals(e.get("name"))).findFirst().orElseThrow();
        assertEquals(Map.of("name", "grafana", "key", "admin-password"), at(password, "valueFrom", "secretKeyRef"));
        assertTrue(env.stream().anyMatch(e -> "GF_DATABASE_PASSWORD".equals(e.get("name"))), "reaches the same external database");
        assertEquals("data", at(init, "volumeMounts", "0", "name"), "writes the database Grafana reads (sqlite stacks)");
    }

    @Test
    void theSecretKeyIsDerivedAndKeptInItsOwnSecret() {
        var plan = Plans.of("prod");
        var secret = plan.named("kubernetes:core/v1:Secret", "platform-grafana-secret-key");
        assertEquals(GrafanaCluster.SECRET_KEY_SECRET, at(secret.inputs(), "metadata", "name"));
        var deployment = plan.named("kubernetes:apps/v1:Deployment", "platform-grafana-deployment");
        List<Map<String, Object>> env = at(deployment.inputs(), "spec", "template", "spec", "containers", "0", "env");
        var key = env.stream().filter(e -> "GF_SECURITY_SECRET_KEY".equals(e.get("name"))).findFirst().orElseThrow();
        assertEquals(Map.of("name", GrafanaCluster.SECRET_KEY_SECRET, "key", "secret-key"), at(key, "valueFrom", "secretKeyRef"));
        // Offline the seed is the placeholder: the derived key is computable, and is not Grafana's public default.
        String derived = DerivedCredentials.hmacHex(Secret.OFFLINE_PLACEHOLDER, "grafana-secret-key");
        String inputs = Yaml.toJson(secret.inputs());
        assertTrue(inputs.contains(derived) || inputs.contains(Secret.OFFLINE_PLACEHOLDER), inputs);
        assertFalse(inputs.contains("SW2YcwTIb9zpOOhoPsMm"), "Grafana's public default key (conf/defaults.ini)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "prod"})
    void onlyTheIngressControllerAndTheSyncReachGrafana(String stack) {
        var policy = Plans.of(stack).named("kubernetes:networking.k8s.io/v1:NetworkPolicy", "platform-grafana-network-policy");
        assertEquals(List.of("Ingress"), at(policy.inputs(), "spec", "policyTypes"));
        assertEquals("grafana", at(policy.inputs(), "spec", "podSelector", "matchLabels", "app.kubernetes.io/component"));
        List<Map<String, Object>> from = at(policy.inputs(), "spec", "ingress", "0", "from");
        assertEquals(2, from.size(), stack + ": the sync's pods and the ingress controller's namespaces, nothing else");
        assertEquals("org-sync", at(from.get(0), "podSelector", "matchLabels", "app.kubernetes.io/component"));
        assertEquals(List.of("ingress-nginx"), at(from.get(1), "namespaceSelector", "matchExpressions", "0", "values"));
        assertEquals(3000.0, ((Number) at(policy.inputs(), "spec", "ingress", "0", "ports", "0", "port")).doubleValue());
    }

    @Test
    void aFailedSyncJobAlertsWhereThePrometheusOperatorIs() {
        var rule = Plans.of("prod").named("kubernetes:monitoring.coreos.com/v1:PrometheusRule", "platform-grafana-alerts");
        String alert = at(rule.inputs(), "spec", "groups", "0", "rules", "0", "alert");
        assertEquals("GrafanaOrgSyncFailed", alert);
        String expr = at(rule.inputs(), "spec", "groups", "0", "rules", "0", "expr");
        assertTrue(expr.contains("job_name=~\"grafana-org-sync-.+\"") && expr.contains("namespace=\"tracing\""), expr);
        assertTrue(Plans.of("local").ofType("kubernetes:monitoring.coreos.com/v1:PrometheusRule").stream()
                .noneMatch(r -> r.name().equals("platform-grafana-alerts")), "local has no Prometheus Operator");
    }
}
