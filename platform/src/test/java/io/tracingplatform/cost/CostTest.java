package io.tracingplatform.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracingplatform.Plans;
import io.tracingplatform.Reference;
import io.tracingplatform.cli.MainTest;
import io.tracingplatform.yaml.Yaml;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/** The cost scanner against a real S3 protocol server (S3Proxy), on buckets in Tempo's real layout. */
class CostTest {
    @RegisterExtension
    static final S3ProxyExtension S3_PROXY = S3ProxyExtension.builder().withCredentials("access", "secret")
            .withBlobStoreProvider("transient").build();

    static final String BUCKET = "traces";
    static final Path LAYOUT = Path.of("tempo/block-layout-v2.10.8");
    S3Client s3;
    /** What the test uploaded, per prefix: bytes and objects. */
    final Map<String, long[]> uploaded = new TreeMap<>();

    @BeforeEach
    void setUp() {
        s3 = S3Client.builder().endpointOverride(S3_PROXY.getUri()).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("access", "secret"))).build();
        s3.createBucket(b -> b.bucket(BUCKET));
    }

    @AfterEach
    void tearDown() {
        s3.close();
    }

    void put(String key, byte[] bytes) {
        s3.putObject(PutObjectRequest.builder().bucket(BUCKET).key(key).build(), RequestBody.fromBytes(bytes));
        var totals = uploaded.computeIfAbsent(key.substring(0, key.indexOf('/')), k -> new long[2]);
        totals[0] += bytes.length;
        totals[1]++;
    }

    static List<Path> realMetas() throws Exception {
        try (var walk = Files.walk(Reference.require(LAYOUT.toString()))) {
            return walk.filter(p -> p.getFileName().toString().equals("meta.json")).sorted().toList();
        }
    }

    static byte[] gzip(byte[] bytes) throws Exception {
        var out = new ByteArrayOutputStream();
        try (var gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    /**
     * A tenant in Tempo's layout from the real block metas: per block meta.json (the real file), data.parquet of
     * the block's declared size (small stand-in where it declares none), one bloom per shard; plus the tenant
     * index Tempo's poller writes, made of those metas.
     */
    void tenantFromRealMetas(String tenant, boolean withIndex, boolean compactOne) throws Exception {
        var metas = new ArrayList<JsonNode>();
        int i = 0;
        for (Path file : realMetas()) {
            var meta = (ObjectNode) Yaml.JSON.readTree(file.toFile());
            String block = meta.get("blockID").asText();
            long size = meta.path("size").asLong(0) > 0 ? meta.get("size").asLong() : 1000 + i;
            meta.put("size", size);
            boolean compacted = compactOne && i == 0;
            put(tenant + "/" + block + "/" + (compacted ? "meta.compacted.json" : "meta.json"), Files.readAllBytes(file));
            put(tenant + "/" + block + "/data.parquet", new byte[(int) size]);
            for (int shard = 0; shard < Math.max(1, meta.path("bloomShards").asInt(0)); shard++) {
                put(tenant + "/" + block + "/bloom-" + shard, new byte[100 + shard]);
            }
            meta.put("bloomShards", Math.max(1, meta.path("bloomShards").asInt(0)));
            metas.add(meta);
            i++;
        }
        if (withIndex) {
            var index = Yaml.JSON.createObjectNode();
            index.put("created_at", "2026-11-24T00:00:00Z");
            index.set("meta", Yaml.JSON.valueToTree(compactOne ? metas.subList(1, metas.size()) : metas));
            index.set("compacted", Yaml.JSON.valueToTree(compactOne ? metas.subList(0, 1) : List.of()));
            put(tenant + "/" + BucketScanner.INDEX, gzip(Yaml.JSON.writeValueAsBytes(index)));
        }
    }

    BucketScanner scanner(StringWriter progress) {
        return new BucketScanner(s3, BUCKET, new PrintWriter(progress));
    }

    @Test
    void exactModeTotalsEveryObjectExactly() throws Exception {
        tenantFromRealMetas("payments", true, true);
        tenantFromRealMetas("webshop", false, false);
        put("lost+found/x", new byte[10]);
        s3.putObject(PutObjectRequest.builder().bucket(BUCKET).key("stray.txt").build(), RequestBody.fromBytes(new byte[7]));
        uploaded.put(BucketScanner.ROOT, new long[] {7, 1});
        var scan = scanner(new StringWriter());
        var usage = scan.scan(scan.prefixes(), true, 4);
        assertEquals(uploaded.keySet(), new java.util.TreeSet<>(usage.stream().map(TenantUsage::prefix).toList()));
        for (var u : usage) {
            assertEquals(uploaded.get(u.prefix())[0], u.bytes(), u.prefix() + " bytes");
            assertEquals(uploaded.get(u.prefix())[1], u.objects(), u.prefix() + " objects");
        }
        var payments = usage.stream().filter(u -> u.prefix().equals("payments")).findFirst().orElseThrow();
        assertEquals(realMetas().size() - 1, payments.blocks());
        assertEquals(1, payments.compactedBlocks());
    }

    @Test
    void fastModeMatchesTheSizesInsideTheRealTenantIndex() throws Exception {
        byte[] index = Files.readAllBytes(Reference.require(LAYOUT.resolve("tempodb/backend/test/test-data/3/index.json.gz").toString()));
        put("3/" + BucketScanner.INDEX, index);
        long expected = 0;
        long blocks = 0;
        long compacted = 0;
        try (var in = new GZIPInputStream(new java.io.ByteArrayInputStream(index))) {
            var tree = Yaml.JSON.readTree(in);
            for (var b : tree.get("meta")) {
                expected += b.get("size").asLong();
                blocks++;
            }
            for (var b : tree.get("compacted")) {
                expected += b.get("size").asLong();
                compacted++;
            }
        }
        var usage = scanner(new StringWriter()).scan(List.of("3"), false, 1).get(0);
        assertEquals("index", usage.source());
        assertEquals(expected, usage.bytes(), "bytes summed from the index");
        assertEquals(blocks, usage.blocks());
        assertEquals(compacted, usage.compactedBlocks());
        assertTrue(usage.oldestBlockEnd().orElseThrow().isBefore(Instant.parse("2024-10-02T00:00:00Z")));
    }

    @Test
    void missingOrCorruptIndexFallsBackToListingAndSaysSo() throws Exception {
        tenantFromRealMetas("webshop", false, false);
        put("claims/" + BucketScanner.INDEX, "not gzip at all".getBytes(StandardCharsets.UTF_8));
        put("claims/b1/meta.json", "{}".getBytes(StandardCharsets.UTF_8));
        var scan = scanner(new StringWriter());
        var usage = scan.scan(List.of("webshop", "claims"), false, 2);
        assertTrue(usage.get(0).source().contains("no index.json.gz"), usage.get(0).source());
        assertEquals(uploaded.get("webshop")[0], usage.get(0).bytes(), "fallback lists exactly");
        assertTrue(usage.get(1).source().contains("unreadable"), usage.get(1).source());
    }

    @Test
    void findingsNameOffboardedDataStrayPrefixesOldBlocksAndCompactedBlocks() throws Exception {
        tenantFromRealMetas("payments", true, true);
        put("legacy-team/b1/meta.json", new byte[500]);
        put("lost+found/x", new byte[10]);
        var scan = scanner(new StringWriter());
        var usage = scan.scan(scan.prefixes(), false, 4);
        var inputs = Plans.inputs("prod");
        var report = CostReport.of("prod", inputs.tenants(), 3, PriceTable.EU_CENTRAL_1, Optional.of(BUCKET), "fast", usage,
                Instant.parse("2026-11-24T00:00:00Z"));
        var kinds = report.findings().stream().map(f -> f.kind() + ":" + f.prefix()).toList();
        assertTrue(kinds.contains("offboarded-tenant:legacy-team"), kinds.toString());
        assertTrue(kinds.contains("not-a-tenant:lost+found"), kinds.toString());
        var withRoot = new ArrayList<>(usage);
        withRoot.add(new TenantUsage(BucketScanner.ROOT, 7, 1, 0, 0, 0, Optional.empty(), "listing"));
        var rootReport = CostReport.of("prod", inputs.tenants(), 3, PriceTable.EU_CENTRAL_1, Optional.of(BUCKET), "fast", withRoot,
                Instant.parse("2026-11-24T00:00:00Z"));
        assertTrue(rootReport.findings().stream().anyMatch(f -> f.kind().equals("not-a-tenant") && f.prefix().equals(BucketScanner.ROOT)));
        assertTrue(kinds.contains("blocks-past-retention:payments"), "the real 2022 block is past 30d: " + kinds);
        assertTrue(kinds.contains("compacted-awaiting-deletion:payments"), kinds.toString());
        var payments = report.tenants().stream().filter(l -> l.tenant().equals("payments")).findFirst().orElseThrow();
        assertTrue(payments.actualGb().isPresent() && payments.objects().isPresent());
        assertTrue(payments.savings().containsKey("retention 30d -> 7d"), payments.savings().toString());
        double shares = report.tenants().stream().mapToDouble(CostReport.Line::share).sum();
        assertTrue(shares <= 1.0 + 1e-9, "shares sum to at most 1 (findings take the rest): " + shares);
    }

    @Test
    void theCliReportsEveryFormatAndTheHtmlHasOneBarPerTenant(@TempDir Path tmp) throws Exception {
        tenantFromRealMetas("payments", true, false);
        System.setProperty("aws.accessKeyId", "access");
        System.setProperty("aws.secretAccessKey", "secret");
        try {
            String endpoint = S3_PROXY.getUri().toString();
            var json = MainTest.run("cost", "--stack", "prod", "--bucket", BUCKET, "--endpoint", endpoint, "--format", "json");
            assertEquals(0, json.code(), json.err());
            var tree = Yaml.JSON.readTree(json.out());
            assertEquals(3, tree.get("tenants").size());
            assertEquals("fast", tree.get("mode").asText());
            var csv = MainTest.run("cost", "--stack", "prod", "--bucket", BUCKET, "--endpoint", endpoint, "--exact", "--format", "csv");
            assertEquals(4, csv.out().lines().count(), csv.out());
            Path html = tmp.resolve("cost.html");
            var r = MainTest.run("cost", "--stack", "prod", "--bucket", BUCKET, "--endpoint", endpoint, "--format", "html", "--out", html.toString());
            assertEquals(0, r.code(), r.err());
            String page = Files.readString(html);
            assertEquals(3, page.split("<rect class=\"bar\"", -1).length - 1, "one bar per tenant");
            assertFalse(page.contains("<script") || page.contains("<link") || page.contains("@import") || page.contains("src="),
                    "self-contained: no external scripts, styles or fonts");
            var noBucket = MainTest.run("cost", "--stack", "prod", "--bucket", "missing", "--endpoint", endpoint);
            assertEquals(2, noBucket.code());
            assertTrue(noBucket.err().contains("does not exist"), noBucket.err());
            System.setProperty("aws.secretAccessKey", "wrong");
            var denied = MainTest.run("cost", "--stack", "prod", "--bucket", BUCKET, "--endpoint", endpoint);
            assertEquals(2, denied.code());
            assertTrue(denied.err().contains("access denied") || denied.err().contains("S3 error 403"), denied.err());
            var unknown = MainTest.run("cost", "--stack", "nope");
            assertEquals(2, unknown.code());
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }

    @Test
    void sharesAndTotalsOfActualCostComeFromActualBytesOnly() throws Exception {
        tenantFromRealMetas("payments", true, false);
        var scan = scanner(new StringWriter());
        var usage = scan.scan(scan.prefixes(), true, 2);
        var inputs = Plans.inputs("prod");
        var report = CostReport.of("prod", inputs.tenants(), 3, PriceTable.EU_CENTRAL_1, Optional.of(BUCKET), "exact", usage,
                Instant.parse("2026-11-24T00:00:00Z"));
        var payments = report.tenants().stream().filter(l -> l.tenant().equals("payments")).findFirst().orElseThrow();
        assertEquals(1.0, payments.share(), 1e-9, "the only tenant with data holds the whole actual cost");
        assertEquals(payments.actualMonthly().orElseThrow(), report.totalMonthly(), 1e-12, "no estimate in the actual total");
        assertEquals(List.of("claims", "webshop"), report.totals().tenantsWithoutData());
        for (var l : report.tenants()) {
            if (!l.tenant().equals("payments")) {
                assertFalse(l.hasData(), l.tenant());
                assertEquals(0, l.share(), l.tenant() + ": no data, no share");
                assertTrue(l.estimateMonthly() > 0, l.tenant() + ": the estimate is still shown, apart");
            }
        }
        assertEquals(report.tenants().stream().mapToDouble(CostReport.Line::estimateMonthly).sum(), report.totals().estimateMonthly(), 1e-12);
        String text = ReportWriter.text(report);
        assertTrue(text.contains("No data in the bucket yet: claims, webshop"), text);
        assertTrue(text.contains("no data yet"), text);
        assertTrue(text.contains("CC-4711-PAY"), "the cost centre per tenant:\n" + text);
    }

    @Test
    void jsonCarriesExactBytesObjectsBlocksAndCostCentresInBothModes() throws Exception {
        tenantFromRealMetas("payments", true, true);
        put("backup-2024/dump.tar", new byte[300]);
        s3.putObject(PutObjectRequest.builder().bucket(BUCKET).key(BucketScanner.TEMPO_SEED).build(), RequestBody.fromBytes(new byte[40]));
        System.setProperty("aws.accessKeyId", "access");
        System.setProperty("aws.secretAccessKey", "secret");
        try {
            for (String mode : List.of("fast", "exact")) {
                var args = new ArrayList<>(List.of("cost", "--stack", "prod", "--bucket", BUCKET, "--endpoint",
                        "localhost:" + S3_PROXY.getUri().getPort(), "--format", "json"));
                if (mode.equals("exact")) args.add("--exact");
                var r = MainTest.run(args.toArray(String[]::new));
                assertEquals(0, r.code(), r.err());
                var tree = Yaml.JSON.readTree(r.out());
                JsonNode payments = null;
                for (JsonNode t : tree.get("tenants")) if (t.get("tenant").asText().equals("payments")) payments = t;
                assertTrue(payments.get("bytes").isIntegralNumber() && payments.get("objects").isIntegralNumber(), payments.toString());
                assertEquals(payments.get("bytes").asLong() / 1e9, payments.get("actualGb").asDouble(), 1e-12, "GB beside the bytes");
                if (mode.equals("exact")) {
                    assertEquals(uploaded.get("payments")[0], payments.get("bytes").asLong(), "exact bytes");
                    assertEquals(uploaded.get("payments")[1], payments.get("objects").asLong(), "exact objects");
                }
                assertEquals(realMetas().size() - 1, payments.get("blocks").asLong(), mode + ": live blocks");
                assertEquals("CC-4711-PAY", payments.get("costCenter").asText());
                assertTrue(payments.get("savingOptions").get(0).has("monthly"), payments.toString());
                assertEquals(List.of("claims", "webshop"), List.of(tree.get("tenantsWithoutData").get(0).asText(),
                        tree.get("tenantsWithoutData").get(1).asText()));
                long all = uploaded.values().stream().mapToLong(v -> v[0]).sum() + 40;
                if (mode.equals("exact")) assertEquals(all, tree.get("totalBytes").asLong(), "every byte in the bucket");
                var kinds = new ArrayList<String>();
                tree.get("findings").forEach(f -> kinds.add(f.get("kind").asText() + ":" + f.get("prefix").asText()));
                assertTrue(kinds.contains("not-a-tenant:backup-2024"), "no Tempo blocks, so not a tenant's: " + kinds);
                assertTrue(kinds.contains("tempo-file:" + BucketScanner.TEMPO_SEED), kinds.toString());
                assertFalse(kinds.stream().anyMatch(k -> k.startsWith("offboarded-tenant")), kinds.toString());
            }
            var html = MainTest.run("cost", "--stack", "prod", "--bucket", BUCKET, "--endpoint", S3_PROXY.getUri().toString(), "--format", "html");
            for (String part : List.of("<h2>Savings</h2>", "<th>Est. per month</th>", "<th>Cost centre</th>", "CC-4711-PAY", "no data yet")) {
                assertTrue(html.out().contains(part), part + " in the HTML report");
            }
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }

    @Test
    void theEstimateFollowsTheDocumentedFormula() {
        var inputs = Plans.inputs("prod");
        var report = CostReport.of("prod", inputs.tenants(), 3, PriceTable.EU_CENTRAL_1, Optional.empty(), "estimate", List.of(), Instant.now());
        var claims = report.tenants().stream().filter(l -> l.tenant().equals("claims")).findFirst().orElseThrow();
        // claims: 2.5 MB/s average, 14 d, RF 3: 2.5 * 86400 * 14 / 1000 * 0.25 * (1 + 2 * 2 / 336)
        double expected = 2.5 * 86_400 * 14 / 1000 * CostReport.COMPRESSION * (1 + 2 * CostReport.DEDUP_HOURS / 336);
        assertEquals(expected, claims.estimateGb(), 1e-9);
        assertEquals(expected * 0.0245, claims.estimateMonthly(), 1e-9);
    }
}
