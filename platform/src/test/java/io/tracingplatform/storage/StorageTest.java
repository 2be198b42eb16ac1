package io.tracingplatform.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracingplatform.App;
import io.tracingplatform.Plans;
import io.tracingplatform.TempProject;
import io.tracingplatform.config.InvalidInputException;
import io.tracingplatform.config.StackFiles;
import io.tracingplatform.offline.OfflineEngine;
import io.tracingplatform.offline.Plan;
import io.tracingplatform.yaml.Yaml;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StorageTest {
    static final String S3 = "aws:s3/";
    @TempDir Path dir;

    static Plan.PlannedResource one(Plan plan, String type) {
        var list = plan.ofType(type);
        assertEquals(1, list.size(), plan.stack() + ": expected one " + type);
        return list.get(0);
    }

    @SuppressWarnings("unchecked")
    static <T> T at(Map<String, Object> map, String... path) {
        Object v = map;
        for (String p : path) {
            v = v instanceof List<?> l ? l.get(Integer.parseInt(p)) : ((Map<String, Object>) v).get(p);
        }
        return (T) v;
    }

    static JsonNode json(Object text) throws Exception {
        return Yaml.JSON.readTree(String.valueOf(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void awsBucketsAreEncryptedPrivateOwnerEnforcedAndTlsOnly(String stack) throws Exception {
        var plan = Plans.of(stack);
        var key = one(plan, "aws:kms/key:Key");
        assertEquals(true, key.inputs().get("enableKeyRotation"), "customer-managed key rotates");
        var sse = one(plan, S3 + "bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2");
        assertEquals("aws:kms", at(sse.inputs(), "rules", "0", "applyServerSideEncryptionByDefault", "sseAlgorithm"));
        assertTrue(String.valueOf((Object) at(sse.inputs(), "rules", "0", "applyServerSideEncryptionByDefault", "kmsMasterKeyId"))
                .startsWith("arn:aws:kms:"), "SSE uses the dedicated key");
        var pab = one(plan, S3 + "bucketPublicAccessBlock:BucketPublicAccessBlock");
        for (String flag : List.of("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")) {
            assertEquals(true, pab.inputs().get(flag), stack + ": public access block " + flag);
        }
        var ownership = one(plan, S3 + "bucketOwnershipControls:BucketOwnershipControls");
        assertEquals("BucketOwnerEnforced", at(ownership.inputs(), "rule", "objectOwnership"));
        var policy = json(one(plan, S3 + "bucketPolicy:BucketPolicy").inputs().get("policy"));
        var deny = policy.get("Statement").get(0);
        assertEquals("Deny", deny.get("Effect").asText());
        assertEquals("false", deny.get("Condition").get("Bool").get("aws:SecureTransport").asText(), "TLS-only");
        assertEquals(2, deny.get("Resource").size(), "bucket and its objects");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void lifecycleAbortsMultipartAfterOneDayAndExpiresAfterLongestRetentionPlusMargin(String stack) {
        var plan = Plans.of(stack);
        var rules = (List<Map<String, Object>>) at(one(plan, S3 + "bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2").inputs(), "rules");
        var abort = rules.stream().filter(r -> r.containsKey("abortIncompleteMultipartUpload")).findFirst().orElseThrow();
        assertEquals(1L, ((Number) at(abort, "abortIncompleteMultipartUpload", "daysAfterInitiation")).longValue());
        var expire = rules.stream().filter(r -> r.containsKey("expiration")).findFirst().orElseThrow();
        var inputs = Plans.inputs(stack);
        long longest = inputs.settings().tenants().defaults().retention().toDays();
        for (var t : inputs.tenants()) longest = Math.max(longest, t.settings().retention().toDays());
        assertEquals(longest + inputs.settings().storage().expirationMarginDays(), ((Number) at(expire, "expiration", "days")).longValue());
        assertTrue(rules.stream().noneMatch(r -> r.containsKey("transitions")), "no transition to colder classes");
    }

    @Test
    void prodBackstopCoversTheLongestTenantRetention() {
        var rules = (List<Map<String, Object>>) at(one(Plans.of("prod"), S3 + "bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2").inputs(), "rules");
        var expire = rules.stream().filter(r -> r.containsKey("expiration")).findFirst().orElseThrow();
        assertEquals(30L + 14L, ((Number) at(expire, "expiration", "days")).longValue(), "payments keeps 30d in prod; margin 14");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void tempoPolicyIsLeastPrivilege(String stack) throws Exception {
        var plan = Plans.of(stack);
        var policy = json(one(plan, "aws:iam/rolePolicy:RolePolicy").inputs().get("policy"));
        var actions = new ArrayList<String>();
        for (JsonNode st : policy.get("Statement")) {
            assertEquals("Allow", st.get("Effect").asText());
            for (JsonNode a : st.get("Action")) {
                assertFalse(a.asText().contains("*"), stack + ": no wildcard action: " + a);
                actions.add(a.asText());
            }
            for (JsonNode r : st.get("Resource")) {
                assertFalse(r.asText().equals("*"), stack + ": no '*' resource");
                assertTrue(r.asText().startsWith("arn:aws:s3:::" + Plans.inputs(stack).settings().storage().bucketName())
                        || r.asText().startsWith("arn:aws:kms:"), "only the bucket and its key: " + r);
            }
        }
        assertTrue(actions.containsAll(List.of("s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:DeleteObject",
                "s3:GetObjectTagging", "s3:PutObjectTagging", "kms:GenerateDataKey", "kms:Decrypt")), actions.toString());
        assertFalse(actions.contains("kms:Encrypt"), "S3 encrypts with the generated data key; kms:Encrypt is never used");
        for (JsonNode st : policy.get("Statement")) {
            if (!st.get("Sid").asText().equals("UseTraceBucketKey")) continue;
            assertEquals("s3." + Plans.inputs(stack).settings().aws().orElseThrow().region() + ".amazonaws.com",
                    st.at("/Condition/StringEquals/kms:ViaService").asText(), stack + ": the key only through S3");
        }
    }

    @Test
    void aTrailingSlashOfTheOidcIssuerIsNotPartOfTheConditionKeys() throws Exception {
        var p = projectWith("dev", "\n    expirationMarginDays", "\n    expirationMarginDays");
        var f = p.root.resolve("stacks/Pulumi.dev.yaml");
        var text = java.nio.file.Files.readString(f);
        var url = java.util.regex.Pattern.compile("oidcProviderUrl: (\\S+)").matcher(text);
        assertTrue(url.find(), "fixture has an issuer");
        java.nio.file.Files.writeString(f, text.replace(url.group(0), url.group(0) + "/"));
        var trust = json(one(planOf(p, "dev"), "aws:iam/role:Role").inputs().get("assumeRolePolicy"));
        var keys = new ArrayList<String>();
        trust.at("/Statement/0/Condition/StringEquals").fieldNames().forEachRemaining(keys::add);
        assertTrue(keys.stream().allMatch(k -> k.matches("oidc\\.eks\\.[^:]*[^/]:(sub|aud)")), keys.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void tempoAssumesItsRoleOnlyAsItsServiceAccountThroughIrsa(String stack) throws Exception {
        var plan = Plans.of(stack);
        var role = one(plan, "aws:iam/role:Role");
        var trust = json(role.inputs().get("assumeRolePolicy")).get("Statement").get(0);
        assertEquals("sts:AssumeRoleWithWebIdentity", trust.get("Action").get(0).asText());
        var eq = trust.get("Condition").get("StringEquals");
        var sub = eq.fields();
        boolean subOk = false;
        while (sub.hasNext()) {
            var e = sub.next();
            if (e.getKey().endsWith(":sub")) subOk = e.getValue().asText().equals("system:serviceaccount:tracing:tempo");
        }
        assertTrue(subOk, "trust limited to system:serviceaccount:tracing:tempo: " + eq);
        var sa = plan.named("kubernetes:core/v1:ServiceAccount", "platform-storage-tempo-service-account");
        assertEquals(plan.outputs().get("storageRoleArn"), at(sa.inputs(), "metadata", "annotations", "eks.amazonaws.com/role-arn"));
        assertEquals(false, sa.inputs().get("automountServiceAccountToken"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void everyBucketAndKeyIsRetainedAndProdsAreProtected(String stack) {
        var plan = Plans.of(stack);
        for (String type : List.of(S3 + "bucketV2:BucketV2", "aws:kms/key:Key")) {
            var r = one(plan, type);
            assertTrue(r.retainOnDelete(), stack + " " + type + " must be retained on delete");
            assertEquals(stack.equals("prod"), r.protect(), stack + " " + type + " protect only in prod");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod", "local"})
    void storageOutputsAreExported(String stack) {
        var outputs = Plans.of(stack).outputs();
        for (String key : List.of("storageBucketName", "storageBucketArn", "storageRegion", "storageEndpoint", "storageRoleArn")) {
            assertTrue(outputs.containsKey(key), stack + " exports " + key);
        }
        assertEquals(Plans.inputs(stack).settings().storage().bucketName(), outputs.get("storageBucketName"));
    }

    /** Replacing any of these loses stored traces or WALs: their URNs may only change with an alias. */
    @Test
    void urnsOfStatefulResourcesArePinned() throws Exception {
        var lines = new ArrayList<String>();
        for (String stack : Plans.STACKS) {
            for (var r : Plans.of(stack).resources()) {
                // Bucket and key hold the traces; StatefulSets with volumes hold WALs and the local store's data;
                // a PersistentVolumeClaim holds Grafana's database on stacks without an external one.
                List<Map<String, Object>> templates = r.type().endsWith("StatefulSet")
                        ? at(r.inputs(), "spec", "volumeClaimTemplates") : null;
                // Grafana's secret key: a new one makes every secure field in Grafana's database unreadable.
                boolean secretKey = r.type().equals("kubernetes:core/v1:Secret") && r.name().endsWith("-grafana-secret-key");
                if (List.of(S3 + "bucketV2:BucketV2", "aws:kms/key:Key", "kubernetes:core/v1:PersistentVolumeClaim").contains(r.type())
                        || templates != null || secretKey) {
                    lines.add(r.urn());
                    if (templates != null) {
                        for (var t : templates) lines.add(r.urn() + " volumeClaimTemplate " + at(t, "metadata", "name"));
                    }
                }
            }
        }
        lines.sort(null);
        var golden = Path.of("platform/src/test/resources/golden/stateful-urns.txt");
        var expected = Files.readAllLines(golden).stream().filter(l -> !l.isBlank() && !l.startsWith("#")).sorted().toList();
        assertEquals(expected, lines, "A stateful resource's URN changed: the real engine would REPLACE it and lose data."
                + " Add an alias (CustomResourceOptions.aliases) to keep its identity; update " + golden
                + " only together with that alias.");
    }

    @Test
    void localStoreIsAHardenedStatefulSetWithARetainedVolumeAndDerivedCredentials() {
        var plan = Plans.of("local");
        var sts = plan.named("kubernetes:apps/v1:StatefulSet", "platform-local-s3-statefulset");
        assertEquals("Retain", at(sts.inputs(), "spec", "persistentVolumeClaimRetentionPolicy", "whenDeleted"));
        assertEquals("10Gi", at(sts.inputs(), "spec", "volumeClaimTemplates", "0", "spec", "resources", "requests", "storage"));
        var container = (Map<String, Object>) at(sts.inputs(), "spec", "template", "spec", "containers", "0");
        assertEquals(Plans.inputs("local").settings().release().image("minio"), container.get("image"));
        assertEquals(true, at(container, "securityContext", "readOnlyRootFilesystem"));
        assertEquals(List.of("ALL"), at(container, "securityContext", "capabilities", "drop"));
        assertTrue(at(container, "resources", "limits") != null, "resource limits set");
        var env = (List<Map<String, Object>>) container.get("env");
        assertTrue(env.stream().allMatch(e -> e.containsKey("valueFrom")), "credentials come from the Secret, never literal: " + env);
        var job = plan.named("kubernetes:batch/v1:Job", "platform-local-s3-create-bucket");
        String script = String.valueOf((Object) at(job.inputs(), "spec", "template", "spec", "containers", "0", "command"));
        assertTrue(script.contains("mc mb --ignore-existing local/tempo-traces"), script);
        assertEquals("local-s3.tracing.svc:9000", plan.outputs().get("storageEndpoint"));
        var secret = plan.named("kubernetes:core/v1:Secret", "platform-local-s3-credentials");
        var password = String.valueOf((Object) at(secret.inputs(), "stringData", "AWS_SECRET_ACCESS_KEY"));
        assertEquals(64, password.length(), "HMAC-SHA256 hex derived from the stack seed");
        assertTrue(plan.ofType("pulumi:providers:aws").isEmpty() && plan.ofType(S3 + "bucketV2:BucketV2").isEmpty());
    }

    TempProject projectWith(String stack, String from, String to) throws Exception {
        var p = new TempProject(dir, true);
        var f = p.root.resolve("stacks/Pulumi." + stack + ".yaml");
        var text = Files.readString(f);
        assertTrue(text.contains(from), "fixture: " + from);
        Files.writeString(f, text.replace(from, to));
        return p;
    }

    Plan planOf(TempProject p, String stack) {
        return OfflineEngine.plan(App.load(p.layout, StackFiles.read(p.layout, stack)));
    }

    @Test
    void staticAccessCreatesAnIamUserWhoseKeyLandsInAKubernetesSecret() throws Exception {
        var p = projectWith("dev", "    access: irsa\n", "    access: static\n");
        var plan = planOf(p, "dev");
        assertTrue(plan.ofType("aws:iam/role:Role").isEmpty());
        one(plan, "aws:iam/user:User");
        var policy = json(one(plan, "aws:iam/userPolicy:UserPolicy").inputs().get("policy"));
        assertEquals(3, policy.get("Statement").size(), "same least-privilege policy as the role");
        one(plan, "aws:iam/accessKey:AccessKey");
        var secret = plan.named("kubernetes:core/v1:Secret", "platform-storage-credentials");
        assertEquals(StoragePlan.CREDENTIALS_SECRET, at(secret.inputs(), "metadata", "name"));
        var sa = plan.named("kubernetes:core/v1:ServiceAccount", "platform-storage-tempo-service-account");
        assertEquals(null, (Object) at(sa.inputs(), "metadata", "annotations", "eks.amazonaws.com/role-arn"));
    }

    @Test
    void sseS3UsesNoKey() throws Exception {
        var p = projectWith("dev", "    encryption: sse-kms\n", "    encryption: sse-s3\n");
        var plan = planOf(p, "dev");
        assertTrue(plan.ofType("aws:kms/key:Key").isEmpty());
        var sse = one(plan, S3 + "bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2");
        assertEquals("AES256", at(sse.inputs(), "rules", "0", "applyServerSideEncryptionByDefault", "sseAlgorithm"));
        var policy = json(one(plan, "aws:iam/rolePolicy:RolePolicy").inputs().get("policy"));
        assertEquals(2, policy.get("Statement").size(), "no KMS statement without a key");
    }

    @Test
    void irsaWithoutTheOidcProviderIsAnErrorNamingBothKeys() throws Exception {
        var p = projectWith("dev", "    oidcProviderArn:", "    oidcProviderArnX:");
        var e = org.junit.jupiter.api.Assertions.assertThrows(InvalidInputException.class,
                () -> App.load(p.layout, StackFiles.read(p.layout, "dev")));
        assertTrue(e.getMessage().contains("tracing-platform:storage.oidcProviderArn: is required"), e.getMessage());
        assertTrue(e.getMessage().contains("Did you mean 'oidcProviderArn'?"), e.getMessage());
    }

    @Test
    void invalidBucketNameIsRejected() throws Exception {
        var p = projectWith("prod", "bucketName: tracing-prod-traces-123456789012", "bucketName: Tracing.Prod");
        var e = org.junit.jupiter.api.Assertions.assertThrows(InvalidInputException.class,
                () -> App.load(p.layout, StackFiles.read(p.layout, "prod")));
        assertTrue(e.getMessage().contains("tracing-platform:storage.bucketName"), e.getMessage());
    }

    @Test
    void renderKeepsSecretValuesOutOfTheAppliableManifests() throws Exception {
        var out = dir.resolve("render");
        var written = io.tracingplatform.offline.Renderer.render(Plans.of("local"), out);
        var secrets = written.stream().filter(w -> w.kind().equals("Secret")).toList();
        assertEquals(Plans.of("local").ofType("kubernetes:core/v1:Secret").size(), secrets.size());
        for (var s : secrets) {
            assertTrue(s.path().startsWith("secrets/"), s.path());
            var text = Files.readString(out.resolve(s.path()));
            assertTrue(text.contains("REDACTED") && !text.matches("(?s).*[0-9a-f]{64}.*"), "no derived secret value in " + s.path());
        }
        try (var files = Files.walk(out.resolve("manifests"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertFalse(Files.readString(f).contains("kind: Secret"), f + " must not hold a Secret");
            }
        }
    }
}
