package io.tracingplatform.cost;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Reads what a Tempo trace bucket holds, per top-level prefix, with the AWS SDK v2.
 *
 * <ul>
 *   <li>fast: one GET per tenant of {@code <tenant>/index.json.gz}, Tempo's tenant index (every block's size,
 *       time range and compaction level), streamed; a missing or corrupt index falls back to listing that tenant;
 *   <li>exact: lists every object under each prefix, tenants in parallel, keeping only running totals (a million
 *       objects never means a million keys in memory).
 * </ul>
 */
public final class BucketScanner {
    public static final String INDEX = "index.json.gz";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final S3Client s3;
    private final String bucket;
    private final PrintWriter progress;
    private final AtomicLong listed = new AtomicLong();

    public BucketScanner(S3Client s3, String bucket, PrintWriter progress) {
        this.s3 = s3;
        this.bucket = bucket;
        this.progress = progress;
    }

    /** Objects at the bucket root, outside any prefix: they cost money and belong to no tenant. */
    public static final String ROOT = "(bucket root)";
    /** Tempo's own file at the bucket root (its cluster seed for usage statistics): counted, but not a finding to act on. */
    public static final String TEMPO_SEED = "tempo_cluster_seed.json";
    private long rootBytes;
    private long rootObjects;
    private long seedBytes = -1;

    /** The bucket's top-level prefixes: Tempo treats every one as a tenant (grafana/tempo#3913). */
    public List<String> prefixes() {
        var result = new ArrayList<String>();
        String token = null;
        rootBytes = 0;
        rootObjects = 0;
        seedBytes = -1;
        do {
            var page = s3.listObjectsV2(ListObjectsV2Request.builder().bucket(bucket).delimiter("/").continuationToken(token).build());
            for (CommonPrefix p : page.commonPrefixes()) result.add(p.prefix().substring(0, p.prefix().length() - 1));
            for (var o : page.contents()) {
                if (o.key().equals(TEMPO_SEED)) {
                    seedBytes = o.size();
                    continue;
                }
                rootBytes += o.size();
                rootObjects++;
            }
            token = page.isTruncated() ? page.nextContinuationToken() : null;
        } while (token != null);
        return result;
    }

    public List<TenantUsage> scan(List<String> prefixes, boolean exact, int parallelism) {
        var pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallelism, prefixes.size())));
        long start = System.nanoTime();
        var reporter = Executors.newSingleThreadScheduledExecutor(r -> {
            var t = new Thread(r, "cost-progress");
            t.setDaemon(true);
            return t;
        });
        // Progress only for scans that take longer than a second.
        reporter.scheduleAtFixedRate(() -> {
            if (progress != null) {
                progress.printf("scanning %s: %,d objects listed, %.0f s%n", bucket, listed.get(), (System.nanoTime() - start) / 1e9);
                progress.flush();
            }
        }, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
        try {
            var futures = new ArrayList<Future<TenantUsage>>();
            for (String p : prefixes) futures.add(pool.submit(() -> exact ? list(p, "listing") : fast(p)));
            var result = new ArrayList<TenantUsage>();
            for (var f : futures) result.add(f.get());
            if (rootObjects > 0) result.add(new TenantUsage(ROOT, rootBytes, rootObjects, 0, 0, 0, Optional.empty(), "listing"));
            if (seedBytes >= 0) result.add(new TenantUsage(TEMPO_SEED, seedBytes, 1, 0, 0, 0, Optional.empty(), "listing"));
            return result;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            reporter.shutdownNow();
            pool.shutdownNow();
        }
    }

    TenantUsage fast(String tenant) {
        try (InputStream in = new GZIPInputStream(s3.getObject(GetObjectRequest.builder().bucket(bucket).key(tenant + "/" + INDEX).build()))) {
            return readIndex(tenant, in);
        } catch (NoSuchKeyException e) {
            return list(tenant, "listing (no " + INDEX + ")");
        } catch (IOException | IllegalStateException e) {
            return list(tenant, "listing (" + INDEX + " unreadable: " + e.getMessage() + ")");
        }
    }

    /** Streams the index: {"created_at", "meta": [block...], "compacted": [block...]}. */
    static TenantUsage readIndex(String tenant, InputStream in) throws IOException {
        long bytes = 0, objects = 0, blocks = 0, compacted = 0, compactedBytes = 0;
        Instant oldest = null;
        try (JsonParser p = JSON.getFactory().createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new IllegalStateException("not a tenant index");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if ((field.equals("meta") || field.equals("compacted")) && p.currentToken() == JsonToken.START_ARRAY) {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        com.fasterxml.jackson.databind.JsonNode block = JSON.readTree(p);
                        long size = block.path("size").asLong();
                        // data.parquet, meta.json and one bloom filter per shard.
                        long blockObjects = 2 + block.path("bloomShards").asLong();
                        bytes += size;
                        objects += blockObjects;
                        if (field.equals("meta")) {
                            blocks++;
                            String end = block.path("endTime").asText("");
                            if (!end.isEmpty()) {
                                var t = Instant.parse(end);
                                if (oldest == null || t.isBefore(oldest)) oldest = t;
                            }
                        } else {
                            compacted++;
                            compactedBytes += size;
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
        }
        return new TenantUsage(tenant, bytes, objects + 1, blocks, compacted, compactedBytes, Optional.ofNullable(oldest), "index");
    }

    /** Lists every object under the prefix, keeping only totals; blocks are counted by their meta files. */
    TenantUsage list(String tenant, String source) {
        long bytes = 0, objects = 0, blocks = 0, compacted = 0;
        String token = null;
        do {
            var page = s3.listObjectsV2(ListObjectsV2Request.builder().bucket(bucket).prefix(tenant + "/").continuationToken(token).build());
            for (var o : page.contents()) {
                bytes += o.size();
                objects++;
                if (o.key().endsWith("/meta.json")) blocks++;
                else if (o.key().endsWith("/meta.compacted.json")) compacted++;
            }
            listed.addAndGet(page.contents().size());
            token = page.isTruncated() ? page.nextContinuationToken() : null;
        } while (token != null);
        return new TenantUsage(tenant, bytes, objects, blocks, compacted, 0, Optional.empty(), source);
    }

    /** A clear message for the failures people meet: unreachable endpoint, no such bucket, access denied. */
    public static String explain(RuntimeException e, String bucket, String endpoint) {
        if (e instanceof S3Exception s3e) {
            String code = s3e.awsErrorDetails() == null ? "" : s3e.awsErrorDetails().errorCode();
            if ("NoSuchBucket".equals(code) || s3e.statusCode() == 404) {
                return "bucket '" + bucket + "' does not exist at " + endpoint + ": check --bucket (pulumi stack output storageBucketName).";
            }
            if ("AccessDenied".equals(code) || s3e.statusCode() == 403) {
                return "access denied to bucket '" + bucket + "': the credentials of the standard AWS chain (AWS_ACCESS_KEY_ID, profile, role) need s3:ListBucket and s3:GetObject on it.";
            }
            return "S3 error " + s3e.statusCode() + " " + code + " on bucket '" + bucket + "': " + s3e.getMessage();
        }
        if (e instanceof SdkClientException && String.valueOf(e.getMessage()).contains("Unable to load credentials")) {
            return "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, (the standard AWS chain) "
                    + "for bucket '" + bucket + "'.";
        }
        if (e instanceof SdkClientException) {
            return "cannot reach " + endpoint + ": " + e.getMessage() + " Check --endpoint/--region and the network.";
        }
        return e.getMessage();
    }
}
