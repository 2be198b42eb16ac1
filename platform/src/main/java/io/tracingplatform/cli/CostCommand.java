package io.tracingplatform.cli;

import io.tracingplatform.config.ProjectLayout;
import io.tracingplatform.cost.BucketScanner;
import io.tracingplatform.cost.CostReport;
import io.tracingplatform.cost.PriceTable;
import io.tracingplatform.cost.ReportWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code cost --stack S [--bucket B] [--endpoint URL] [--region R] [--exact]}: what traces cost, per tenant, estimated
 * from the tenant files and, with a bucket, read from it (credentials from the standard AWS chain).
 */
@Command(name = "cost", description = "Storage cost per tenant: estimate from the tenant files, actual from the bucket.")
final class CostCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    /** Report formats; picocli matches them in any case. */
    enum CostFormat { text, json, csv, html }

    @Option(names = "--stack", required = true, description = "Stack (environment) name.") String stack;
    @Option(names = "--bucket", description = "Read this trace bucket (pulumi stack output storageBucketName).") String bucket;
    @Option(names = "--endpoint", paramLabel = "URL", description = "S3 endpoint (MinIO, S3Proxy, ...): http(s)://host[:port], or host:port "
            + "(http:// assumed); path-style addressing is used.") String endpoint;
    @Option(names = "--region", description = "Region of the bucket (default: the stack's aws.region, else us-east-1).") String region;
    @Option(names = "--exact", description = "List every object instead of reading the tenant indexes.") boolean exact;
    @Option(names = "--prices", description = "Price table YAML (region, currency, storagePerGbMonth, putPer1000, getPer1000).") Path prices;
    @Option(names = "--format", defaultValue = "text", description = "${COMPLETION-CANDIDATES}, any case (default: ${DEFAULT-VALUE}).") CostFormat format;
    @Option(names = "--out", description = "Write the report to this file instead of standard output (missing folders are created).") Path out;
    @Option(names = "--parallelism", defaultValue = "8", description = "Tenants scanned at once (default: ${DEFAULT-VALUE}).") int parallelism;
    @Option(names = "--project-dir", hidden = true) Path projectDir;

    /**
     * The endpoint as a URL. {@code host:port} is how MinIO and most guides write it, but {@link URI} reads it as the
     * scheme "host": so a scheme-less value with a port gets http://, and anything else without a scheme is refused.
     */
    static URI endpoint(String value) {
        String v = value.strip();
        String fix = "--endpoint http://localhost:9000 (or localhost:9000; https:// for TLS)";
        if (!v.contains("://")) {
            if (!v.matches("([A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]+])(:\\d{1,5})")) {
                throw new Main.UserError("--endpoint '" + value + "' is not a URL: write http(s)://host[:port], or host:port.",
                        "--endpoint", fix);
            }
            v = "http://" + v;
        }
        URI uri;
        try {
            uri = new URI(v);
        } catch (URISyntaxException e) {
            throw new Main.UserError("--endpoint '" + value + "' is not a URL: " + e.getReason() + ".", "--endpoint", fix);
        }
        if (uri.getScheme() == null || !List.of("http", "https").contains(uri.getScheme().toLowerCase(java.util.Locale.ROOT))
                || uri.getHost() == null) {
            throw new Main.UserError("--endpoint '" + value + "' is not an http(s) URL with a host.", "--endpoint", fix);
        }
        return uri;
    }

    /** Checked before the bucket is read, so a long scan never ends in an unwritable file. */
    Path outFile() throws java.io.IOException {
        if (out == null) return null;
        if (Files.isDirectory(out)) {
            throw new Main.UserError("--out " + out + " is a directory; name the report file.", "--out",
                    "--out " + out.resolve("cost-" + stack + "." + format));
        }
        var parent = out.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            if (Files.exists(parent)) {
                throw new Main.UserError("--out " + out + ": " + parent + " is a file, not a folder.", "--out", "choose another path.");
            }
            Files.createDirectories(parent);
        }
        return out;
    }

    @Override
    public Integer call() throws Exception {
        URI s3Endpoint = endpoint == null ? null : endpoint(endpoint);
        Path target = outFile();
        var layout = projectDir != null ? new ProjectLayout(projectDir) : ProjectLayout.discover();
        var inputs = StackRun.inputs(layout, stack);
        PriceTable table;
        try {
            table = prices == null ? PriceTable.EU_CENTRAL_1 : PriceTable.load(prices);
        } catch (IllegalArgumentException e) {
            throw new Main.UserError(e.getMessage());
        }
        var err = spec.commandLine().getErr();
        List<io.tracingplatform.cost.TenantUsage> usage = List.of();
        if (bucket != null) {
            String r = region != null ? region : inputs.settings().aws().map(a -> a.region()).orElse("us-east-1");
            var builder = S3Client.builder().region(Region.of(r)).credentialsProvider(DefaultCredentialsProvider.builder().build());
            if (s3Endpoint != null) builder.endpointOverride(s3Endpoint).forcePathStyle(true);
            try (S3Client s3 = builder.build()) {
                var scanner = new BucketScanner(s3, bucket, err);
                usage = scanner.scan(scanner.prefixes(), exact, parallelism);
            } catch (SdkException e) {
                throw new Main.UserError(BucketScanner.explain(e, bucket, s3Endpoint != null ? s3Endpoint.toString() : "S3 in " + r));
            }
            usage.stream().filter(u -> u.source().startsWith("listing (")).forEach(u ->
                    err.println("note: " + u.prefix() + ": " + u.source().substring("listing (".length(), u.source().length() - 1)
                            + "; listed the tenant instead"));
        }
        var report = CostReport.of(stack, inputs.tenants(), inputs.settings().tempo().replicationFactor(), table,
                Optional.ofNullable(bucket), bucket == null ? "estimate" : exact ? "exact" : "fast", usage, Instant.now());
        String text = ReportWriter.render(report, format.name());
        if (target != null) {
            Files.writeString(target, text, StandardCharsets.UTF_8);
            err.println("wrote " + target);
        } else {
            spec.commandLine().getOut().print(text);
        }
        return Main.OK;
    }
}
