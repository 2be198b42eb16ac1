package io.tracingplatform.cost;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracingplatform.yaml.Yaml;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Object storage prices. Defaults: Amazon S3 Standard in EU (Frankfurt, eu-central-1), first 50 TB tier, from
 * the AWS S3 pricing page; these figures have held since 2018 but could not be re-read on the day this was
 * written (no web access): check them, and override with {@code --prices FILE} (YAML with these keys).
 *
 * @param region the region the prices are for
 * @param currency ISO currency
 * @param storagePerGbMonth storage, per GB-month
 * @param putPer1000 PUT, COPY, POST, LIST requests, per 1000
 * @param getPer1000 GET and all other requests, per 1000
 * @param source where the numbers come from
 */
public record PriceTable(String region, String currency, double storagePerGbMonth, double putPer1000, double getPer1000,
                         String source) {
    public static final PriceTable EU_CENTRAL_1 = new PriceTable("eu-central-1", "USD", 0.0245, 0.0054, 0.00043,
            "AWS S3 pricing page, EU (Frankfurt), S3 Standard, first 50 TB (not re-read 2026-11-24; verify)");

    public static PriceTable load(Path file) {
        try {
            JsonNode n = Yaml.YAML.readTree(file.toFile());
            return new PriceTable(text(n, "region", file), text(n, "currency", file), number(n, "storagePerGbMonth", file),
                    number(n, "putPer1000", file), number(n, "getPer1000", file), file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot be read as YAML: " + e.getMessage());
        }
    }

    private static String text(JsonNode n, String key, Path file) {
        if (n == null || !n.hasNonNull(key)) throw new IllegalArgumentException(file + ": '" + key + "' is missing.");
        return n.get(key).asText();
    }

    private static double number(JsonNode n, String key, Path file) {
        if (n == null || !n.hasNonNull(key) || !n.get(key).isNumber() || n.get(key).asDouble() < 0) {
            throw new IllegalArgumentException(file + ": '" + key + "' must be a number, 0 or more.");
        }
        return n.get(key).asDouble();
    }
}
