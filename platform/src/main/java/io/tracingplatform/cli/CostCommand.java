package io.tracingplatform.cli;

import io.tracingplatform.config.ProjectLayout;
import io.tracingplatform.cost.BucketScanner;
import io.tracingplatform.cost.CostReport;
import io.tracingplatform.cost.PriceTable;
import io.tracingplatform.cost.ReportWriter;
import java.net.URI;
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

    @Option(names = "--stack", required = true, description = "Stack (environment) name.") String stack;
    @Option(names = "--bucket", description = "Read this trace bucket (pulumi stack output storageBucketName).") String bucket;
    @Option(names = "--endpoint", description = "S3 endpoint (MinIO, S3Proxy, ...); path-style addressing is used.") URI endpoint;
    @Option(names = "--region", description = "Region of the bucket (default: the stack's aws.region, else us-east-1).") String region;
    @Option(names = "--exact", description = "List every object instead of reading the tenant indexes.") boolean exact;
    @Option(names = "--prices", description = "Price table YAML (region, currency, storagePerGbMonth, putPer1000, getPer1000).") Path prices;
    @Option(names = "--format", defaultValue = "text", description = "text, json, csv or html (default: ${DEFAULT-VALUE}).") String format;
    @Option(names = "--out", description = "Write the report to this file instead of standard output.") Path out;
    @Option(names = "--parallelism", defaultValue = "8", description = "Tenants scanned at once (default: ${DEFAULT-VALUE}).") int parallelism;
    @Option(names = "--debug", description = "Print stack traces for errors.") boolean debug;
    @Option(names = "--project-dir", hidden = true) Path projectDir;

    @Override
    public Integer call() throws Exception {
        if (!List.of("text", "json", "csv", "html").contains(format)) {
            throw new Main.UserError("--format must be text, json, csv or html, not '" + format + "'.");
        }
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
            if (endpoint != null) builder.endpointOverride(endpoint).forcePathStyle(true);
            try (S3Client s3 = builder.build()) {
                var scanner = new BucketScanner(s3, bucket, err);
                usage = scanner.scan(scanner.prefixes(), exact, parallelism);
            } catch (SdkException e) {
                throw new Main.UserError(BucketScanner.explain(e, bucket, endpoint != null ? endpoint.toString() : "S3 in " + r));
            }
            usage.stream().filter(u -> u.source().startsWith("listing (")).forEach(u ->
                    err.println("note: " + u.prefix() + ": " + u.source().substring("listing (".length(), u.source().length() - 1)
                            + "; listed the tenant instead"));
        }
        var report = CostReport.of(stack, inputs.tenants(), inputs.settings().tempo().replicationFactor(), table,
                Optional.ofNullable(bucket), bucket == null ? "estimate" : exact ? "exact" : "fast", usage, Instant.now());
        String text = ReportWriter.render(report, format);
        if (out != null) {
            Files.writeString(out, text, StandardCharsets.UTF_8);
            err.println("wrote " + out);
        } else {
            spec.commandLine().getOut().print(text);
        }
        return Main.OK;
    }
}
