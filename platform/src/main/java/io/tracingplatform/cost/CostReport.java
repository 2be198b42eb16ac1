package io.tracingplatform.cost;

import io.tracingplatform.config.Durations;
import io.tracingplatform.tenants.Tenant;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The monthly storage cost review of one stack: per tenant an estimate from its settings and, when a bucket was
 * read, what it really stores; findings; and what concrete changes would save. A pure function of its inputs.
 *
 * <p>Estimate: stored GB = average ingest (MB/s; the rate limit when the file declares none) x 86 400 s x
 * retention days / 1000 x compression x replication overhead. Compression ({@link #COMPRESSION}) is what a
 * vParquet4 block weighs against the OTLP bytes received: an assumption to calibrate against the actual column.
 * Replication overhead: with replication factor RF, Tempo 2.x ingesters each flush their own copy of a block,
 * and the compactor merges the copies within its first cycles (Tempo docs, architecture and compaction); over a
 * retention R the extra copies cost 1 + (RF - 1) x {@link #DEDUP_HOURS} / R(hours).
 */
public record CostReport(String stack, PriceTable prices, Optional<String> bucket, String mode, List<Line> tenants,
                         List<Finding> findings, double totalGb, double totalMonthly) {
    public static final double COMPRESSION = 0.25;
    public static final double DEDUP_HOURS = 2;
    static final double GB = 1e9;
    /** A folder Tempo could have written for a tenant (DNS-1123 label; Tempo itself allows more). */
    static final Pattern TENANT_ID = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    /**
     * One tenant's line.
     *
     * @param tenant tenant id
     * @param retention its retention in this stack
     * @param estimateGb estimated stored GB
     * @param estimateMonthly estimated monthly cost
     * @param actualGb stored GB read from the bucket, when read
     * @param objects stored objects, when read
     * @param actualMonthly monthly cost of what is stored (storage plus the PUTs that keep it: objects rewritten
     *     once per retention period)
     * @param share share of the stack's total (actual when read, else estimate)
     * @param savings concrete changes and their monthly saving
     */
    public record Line(String tenant, String retention, double estimateGb, double estimateMonthly, Optional<Double> actualGb,
                       Optional<Long> objects, Optional<Double> actualMonthly, double share, Map<String, Double> savings) {}

    /** Something in the bucket that costs money for no reason, or a sign the compactor falls behind. */
    public record Finding(String kind, String prefix, String detail, double gb, double monthly) {}

    public static CostReport of(String stack, List<Tenant> tenants, int replicationFactor, PriceTable prices,
                                Optional<String> bucket, String mode, List<TenantUsage> usage, Instant now) {
        var byPrefix = new LinkedHashMap<String, TenantUsage>();
        for (var u : usage) byPrefix.put(u.prefix(), u);
        var lines = new ArrayList<Line>();
        var findings = new ArrayList<Finding>();
        for (var t : tenants) {
            var s = t.settings();
            double hours = s.retention().toHours();
            double overhead = 1 + (replicationFactor - 1) * DEDUP_HOURS / Math.max(hours, DEDUP_HOURS);
            double estimateGb = s.averageMBps() * 86_400 * (hours / 24) / 1000 * COMPRESSION * overhead;
            var u = Optional.ofNullable(byPrefix.get(t.id()));
            Optional<Double> actualGb = u.map(x -> x.bytes() / GB);
            Optional<Double> actualMonthly = u.map(x -> monthly(x.bytes(), x.objects(), s.retention(), prices));
            double basis = actualMonthly.orElse(estimateGb * prices.storagePerGbMonth());
            var savings = new LinkedHashMap<String, Double>();
            long days = s.retention().toDays();
            for (long shorter : new long[] {days / 2, 7}) {
                if (shorter >= 1 && shorter < days && !savings.containsKey("retention " + days + "d -> " + shorter + "d")) {
                    savings.put("retention " + days + "d -> " + shorter + "d", basis * (1 - (double) shorter / days));
                }
            }
            if (!s.sampling().enabled()) savings.put("tail sampling keeping 25%", basis * 0.75);
            lines.add(new Line(t.id(), Durations.human(s.retention()), estimateGb, estimateGb * prices.storagePerGbMonth(),
                    actualGb, u.map(TenantUsage::objects), actualMonthly, 0, savings));
            u.ifPresent(x -> {
                x.oldestBlockEnd().ifPresent(end -> {
                    // An hour of slack: the compactor deletes on its own cycle.
                    if (end.isBefore(now.minus(s.retention()).minus(Duration.ofHours(1)))) {
                        findings.add(new Finding("blocks-past-retention", t.id(), "oldest block ended " + end + ", retention "
                                + Durations.human(s.retention()) + ": the compactor is not keeping up", 0, 0));
                    }
                });
                if (x.compactedBlocks() > 0) {
                    findings.add(new Finding("compacted-awaiting-deletion", t.id(), x.compactedBlocks()
                            + " compacted blocks not yet deleted (normal for compacted_block_retention, 1h)",
                            x.compactedBytes() / GB, x.compactedBytes() / GB * prices.storagePerGbMonth()));
                }
            });
        }
        var known = tenants.stream().map(Tenant::id).toList();
        for (var u : usage) {
            if (known.contains(u.prefix())) continue;
            // tempo-vulture's probe traces: the platform's own, a few MB, aged out by the default retention.
            if (u.prefix().equals(io.tracingplatform.tempo.TempoCluster.VULTURE_TENANT)) continue;
            double gb = u.bytes() / GB;
            double cost = gb * prices.storagePerGbMonth();
            if (TENANT_ID.matcher(u.prefix()).matches()) {
                findings.add(new Finding("offboarded-tenant", u.prefix(), "tenant not in this stack's tenant files: still "
                        + "stored and paid for; it ages out under the default retention", gb, cost));
            } else {
                findings.add(new Finding("not-a-tenant", u.prefix(), "top-level prefix that is not a tenant; Tempo polls it "
                        + "as one (grafana/tempo#3913): move or delete it", gb, cost));
            }
        }
        double total = lines.stream().mapToDouble(l -> l.actualMonthly().orElse(l.estimateMonthly())).sum()
                + findings.stream().filter(f -> !f.kind().equals("compacted-awaiting-deletion")).mapToDouble(Finding::monthly).sum();
        double totalGb = lines.stream().mapToDouble(l -> l.actualGb().orElse(l.estimateGb())).sum();
        var withShares = new ArrayList<Line>();
        for (var l : lines) {
            double c = l.actualMonthly().orElse(l.estimateMonthly());
            withShares.add(new Line(l.tenant(), l.retention(), l.estimateGb(), l.estimateMonthly(), l.actualGb(), l.objects(),
                    l.actualMonthly(), total == 0 ? 0 : c / total, l.savings()));
        }
        withShares.sort(Comparator.comparingDouble((Line l) -> -l.actualMonthly().orElse(l.estimateMonthly())).thenComparing(Line::tenant));
        findings.sort(Comparator.comparing(Finding::kind).thenComparing(Finding::prefix));
        return new CostReport(stack, prices, bucket, mode, withShares, findings, totalGb, total);
    }

    /** Storage plus PUTs: every object is written again about once per retention period (compaction, new blocks). */
    static double monthly(long bytes, long objects, Duration retention, PriceTable prices) {
        double rewritesPerMonth = 30.0 / Math.max(1, retention.toDays());
        return bytes / GB * prices.storagePerGbMonth() + objects * rewritesPerMonth / 1000 * prices.putPer1000();
    }
}
