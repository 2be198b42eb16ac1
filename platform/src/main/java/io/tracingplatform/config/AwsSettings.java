package io.tracingplatform.config;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The AWS account and region of an AWS stack ({@code tracing-platform:aws}).
 *
 * @param region AWS region, e.g. {@code eu-central-1}; required
 * @param accountId 12-digit account id the stack deploys into; required (ARNs are built from it, so no
 *     lookup call is needed and the offline engine sees the same ARNs)
 * @param defaultTags tags every AWS resource gets (provider default tags); default none
 */
public record AwsSettings(String region, String accountId, Map<String, String> defaultTags) {
    static final Pattern REGION = Pattern.compile("[a-z]{2}(-gov)?-[a-z]+-\\d");
    static final Pattern ACCOUNT = Pattern.compile("\\d{12}");

    public AwsSettings {
        Objects.requireNonNull(region, "aws.region");
        if (!ACCOUNT.matcher(accountId).matches()) throw new IllegalArgumentException("aws.accountId: " + accountId);
        defaultTags = Map.copyOf(defaultTags);
    }

    static AwsSettings read(Fields f) {
        var region = f.matching("region", f.requiredString("region", "eu-central-1"), REGION,
                "is not an AWS region name (like eu-central-1)", "eu-central-1");
        var account = f.matching("accountId", f.requiredString("accountId", "123456789012"), ACCOUNT,
                "is not a 12-digit AWS account id (quote it in YAML so leading zeros stay)", "123456789012");
        var tags = f.stringMap("defaultTags");
        f.finish();
        return new AwsSettings(region, account, tags);
    }
}
