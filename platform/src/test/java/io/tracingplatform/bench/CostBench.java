package io.tracingplatform.bench;

import io.tracingplatform.cost.BucketScanner;
import io.tracingplatform.yaml.Yaml;
import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.zip.GZIPOutputStream;
import org.gaul.s3proxy.S3Proxy;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Benchmark (not a test): a trace bucket of N objects in Tempo's layout (10 tenants, blocks of meta.json,
 * data.parquet and 48 bloom shards, and each tenant's index.json.gz) served by S3Proxy from a directory, read
 * three ways in one run: cost --exact (full listing), cost fast mode (tenant indexes), and {@code rclone size}
 * (Debian's rclone, when installed). Reports wall times and ratios.
 * Run: {@code mvn -B -ntp -Pbench -DskipTests verify}. Arguments: repository root, object count (1000000).
 */
public final class CostBench {
    static final int TENANTS = 10;
    static final int PER_BLOCK = 50; // meta.json, data.parquet, bloom-0..47

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        int objects = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        Path base = root.resolve("platform/target/bench-bucket-" + objects);
        Path bucket = base.resolve("traces");
        if (!Files.exists(base.resolve(".complete-traces"))) build(bucket, objects);
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        var props = new Properties();
        props.setProperty("s3proxy.endpoint", "http://127.0.0.1:" + port);
        props.setProperty("s3proxy.authorization", "aws-v2-or-v4");
        props.setProperty("s3proxy.identity", "access");
        props.setProperty("s3proxy.credential", "secret");
        props.setProperty("jclouds.provider", "filesystem-nio2");
        props.setProperty("jclouds.filesystem.basedir", base.toString());
        var proxy = S3Proxy.Builder.fromProperties(props)
                .blobStore(org.gaul.s3proxy.BlobStores.create("filesystem-nio2", props)).build();
        proxy.start();
        while (!proxy.getState().equals("STARTED")) Thread.sleep(10);
        var endpoint = URI.create("http://127.0.0.1:" + port);
        try (var s3 = S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("access", "secret"))).build()) {
            var scanner = new BucketScanner(s3, "traces", null);
            var prefixes = scanner.prefixes();
            long t0 = System.nanoTime();
            var exact = scanner.scan(prefixes, true, 8);
            double exactS = (System.nanoTime() - t0) / 1e9;
            long listed = exact.stream().mapToLong(u -> u.objects()).sum();
            t0 = System.nanoTime();
            var fast = scanner.scan(prefixes, false, 8);
            double fastS = (System.nanoTime() - t0) / 1e9;
            System.out.printf("cost --exact: %,d objects in %.2f s; fast (tenant indexes): %.3f s (%s)%n", listed, exactS, fastS,
                    fast.stream().allMatch(u -> u.source().equals("index")) ? "all from indexes" : "some fell back");
            System.out.printf("fast is %.0fx faster than exact (target >= 50x)%n", exactS / fastS);
            rclone(endpoint, exactS, true);
            rclone(endpoint, exactS, false);
        } finally {
            proxy.stop();
        }
    }

    /** {@code rclone size}: with --fast-list (one recursive listing) and without (directory walk, 8 checkers). */
    static void rclone(URI endpoint, double exactS, boolean fastList) throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/rclone"))) {
            System.out.println("rclone size: skipped, /usr/bin/rclone absent (apt-get install rclone)");
            return;
        }
        var cmd = new java.util.ArrayList<>(List.of("/usr/bin/rclone", "size", "bench:traces"));
        if (fastList) cmd.add("--fast-list");
        var pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        var env = pb.environment();
        // Plain HTTP on loopback: a CA bundle from the environment only breaks rclone's transport.
        for (String k : List.of("AWS_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR")) env.remove(k);
        env.put("RCLONE_CONFIG_BENCH_TYPE", "s3");
        env.put("RCLONE_CONFIG_BENCH_PROVIDER", "Other");
        env.put("RCLONE_CONFIG_BENCH_ENDPOINT", endpoint.toString());
        env.put("RCLONE_CONFIG_BENCH_ACCESS_KEY_ID", "access");
        env.put("RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY", "secret");
        env.put("RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE", "true");
        long t0 = System.nanoTime();
        var p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        int code = p.waitFor();
        double s = (System.nanoTime() - t0) / 1e9;
        String mode = fastList ? "rclone size --fast-list" : "rclone size";
        System.out.printf("%s: %.2f s (exit %d): %s%n", mode, s, code, out.strip().replace('\n', ' '));
        System.out.printf("cost --exact is %.2fx faster than %s (target >= 2x)%n", s / exactS, mode);
    }

    static void build(Path bucket, int objects) throws Exception {
        if (Files.exists(bucket)) {
            try (var walk = Files.walk(bucket)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        }
        int blocks = Math.max(1, objects / PER_BLOCK / TENANTS);
        byte[] tiny = new byte[] {1};
        for (int t = 0; t < TENANTS; t++) {
            String tenant = "team-" + t;
            var metas = new ArrayList<Object>();
            for (int b = 0; b < blocks; b++) {
                String id = String.format("%08d-0000-4000-8000-%012d", t, b);
                Path dir = Files.createDirectories(bucket.resolve(tenant).resolve(id));
                var meta = new java.util.LinkedHashMap<String, Object>();
                meta.put("format", "vParquet4");
                meta.put("blockID", id);
                meta.put("tenantID", tenant);
                meta.put("startTime", "2026-11-23T00:00:00Z");
                meta.put("endTime", "2026-11-23T01:00:00Z");
                meta.put("size", 1);
                meta.put("compactionLevel", 1);
                meta.put("bloomShards", PER_BLOCK - 2);
                Files.write(dir.resolve("meta.json"), Yaml.JSON.writeValueAsBytes(meta));
                Files.write(dir.resolve("data.parquet"), tiny);
                for (int s = 0; s < PER_BLOCK - 2; s++) Files.write(dir.resolve("bloom-" + s), tiny);
                metas.add(meta);
            }
            var out = new ByteArrayOutputStream();
            try (var gz = new GZIPOutputStream(out)) {
                gz.write(Yaml.JSON.writeValueAsBytes(java.util.Map.of("created_at", "2026-11-24T00:00:00Z", "meta", metas, "compacted", List.of())));
            }
            Files.write(bucket.resolve(tenant).resolve(BucketScanner.INDEX), out.toByteArray());
        }
        Files.writeString(bucket.getParent().resolve(".complete-traces"), "built\n");
    }
}
