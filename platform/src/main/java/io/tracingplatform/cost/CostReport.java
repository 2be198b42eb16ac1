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
                         List<Finding> findings, double totalGb, double totalMonthly, Totals totals) {
    public static final double COMPRESSION = 0.25;
    public static final double DEDUP_HOURS = 2;
    static final double GB = 1e9;
    /** A folder Tempo could have written for a tenant (DNS-1123 label; Tempo itself allows more). */
    static final Pattern TENANT_ID = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    /** Whether the totals and shares are of what the bucket holds, or of the estimate (no bucket read). */
    public boolean actual() {
        return bucket.isPresent();
    }

    /**
     * One tenant's line. Estimate and actual are separate: shares are of actual cost when a bucket was read
     * (a tenant with no data yet has share 0 and {@code hasData} false), of the estimate otherwise.
     *
     * @param tenant tenant id
     * @param costCenter its tenant file's cost centre (charge-back)
     * @param retention its retention in this stack
     * @param estimateGb estimated stored GB
     * @param estimateMonthly estimated monthly cost
     * @param actualGb stored GB read from the bucket, when read (1 GB = 10^9 bytes)
     * @param objects stored objects, when read
     * @param actualMonthly monthly cost of what is stored (storage plus the PUTs that keep it: objects rewritten
     *     once per retention period), when read
     * @param share share of the stack's total (actual when a bucket was read, else estimate)
     * @param savings concrete changes and their monthly saving, keyed by a sentence (kept for scripts that read it)
     * @param bytes exact stored bytes, when read
     * @param blocks live blocks, when read
     * @param compactedBlocks compacted blocks awaiting deletion, when read
     * @param hasData a bucket was read and holds data of this tenant
     * @param savingOptions the same savings as values
     */
    public record Line(String tenant, String costCenter, String retention, double estimateGb, double estimateMonthly,
                       Optional<Double> actualGb, Optional<Long> objects, Optional<Double> actualMonthly, double share,
                       Map<String, Double> savings, Optional<Long> bytes, Optional<Long> blocks, Optional<Long> compactedBlocks,
                       boolean hasData, List<Saving> savingOptions) {
        /** What the share and the ordering use: actual when there is data, else the estimate. */
        double basis() {
            return actualMonthly.orElse(estimateMonthly);
        }
    }

    /**
     * One change that would save money.
     *
     * @param kind "retention" or "tail-sampling"
     * @param setting the tenant file key to change
     * @param from its value now
     * @param to the value the saving assumes
     * @param monthly monthly saving
     * @param basis "actual" (from the bucket) or "estimate"
     */
    public record Saving(String kind, String setting, String from, String to, double monthly, String basis) {}

    /** Something in the bucket that costs money for no reason, or a sign the compactor falls behind. */
    public record Finding(String kind, String prefix, String detail, double gb, double monthly) {}

    /**
     * Totals, actual and estimate apart.
     *
     * @param actualBytes every byte the bucket holds (tenants, non-tenant prefixes, root objects), when read
     * @param actualObjects every object, when read
     * @param actualMonthly monthly cost of all of it, when read
     * @param estimateGb the estimate summed over the tenant files
     * @param estimateMonthly its monthly cost
     * @param tenantsWithoutData tenants of this stack with nothing in the bucket yet (empty when none was read)
     * @param costCenters monthly cost per cost centre (actual when read, else estimate), sorted
     */
    public record Totals(Optional<Long> actualBytes, Optional<Long> actualObjects, Optional<Double> actualMonthly,
                         double estimateGb, double estimateMonthly, List<String> tenantsWithoutData,
                         Map<String, Double> costCenters) {}

    public static CostReport of(String stack, List<Tenant> tenants, int replicationFactor, PriceTable prices,
                                Optional<String> bucket, String mode, List<TenantUsage> usage, Instant now) {
        var byPrefix = new LinkedHashMap<String, TenantUsage>();
        for (var u : usage) byPrefix.put(u.prefix(), u);
        boolean read = bucket.isPresent();
        var lines = new ArrayList<Line>();
        var findings = new ArrayList<Finding>();
        for (var t : tenants) {
            var s = t.settings();
            double hours = s.retention().toHours();
            double overhead = 1 + (replicationFactor - 1) * DEDUP_HOURS / Math.max(hours, DEDUP_HOURS);
            double estimateGb = s.averageMBps() * 86_400 * (hours / 24) / 1000 * COMPRESSION * overhead;
            double estimateMonthly = estimateGb * prices.storagePerGbMonth();
            // A prefix with no bytes is no data: Tempo may have created the tenant's index before any block.
            var u = Optional.ofNullable(byPrefix.get(t.id())).filter(x -> x.bytes() > 0);
            Optional<Double> actualMonthly = u.map(x -> monthly(x.bytes(), x.objects(), s.retention(), prices));
            double basis = actualMonthly.orElse(estimateMonthly);
            String basisName = actualMonthly.isPresent() ? "actual" : "estimate";
            var savings = new LinkedHashMap<String, Double>();
            var options = new ArrayList<Saving>();
            long days = s.retention().toDays();
            for (long shorter : new long[] {days / 2, 7}) {
                String key = "retention " + days + "d -> " + shorter + "d";
                if (shorter >= 1 && shorter < days && !savings.containsKey(key)) {
                    double saving = basis * (1 - (double) shorter / days);
                    savings.put(key, saving);
                    options.add(new Saving("retention", "retention", days + "d", shorter + "d", saving, basisName));
                }
            }
            if (!s.sampling().enabled()) {
                savings.put("tail sampling keeping 25%", basis * 0.75);
                options.add(new Saving("tail-sampling", "sampling", "none", "keepPercent: 25", basis * 0.75, basisName));
            }
            lines.add(new Line(t.id(), t.costCenter(), Durations.human(s.retention()), estimateGb, estimateMonthly,
                    u.map(x -> x.bytes() / GB), u.map(TenantUsage::objects), actualMonthly, 0, savings,
                    u.map(TenantUsage::bytes), u.map(TenantUsage::blocks), u.map(TenantUsage::compactedBlocks), u.isPresent(), options));
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
            findings.add(classify(u, gb, cost));
        }
        // Totals of actual cost come from actual bytes only: a tenant without data adds nothing, not its estimate.
        double estimateTotal = lines.stream().mapToDouble(Line::estimateMonthly).sum();
        double estimateGb = lines.stream().mapToDouble(Line::estimateGb).sum();
        double total;
        double totalGb;
        if (read) {
            total = lines.stream().mapToDouble(l -> l.actualMonthly().orElse(0.0)).sum()
                    + findings.stream().filter(f -> !f.kind().equals("compacted-awaiting-deletion")).mapToDouble(Finding::monthly).sum();
            totalGb = usage.stream().mapToLong(TenantUsage::bytes).sum() / GB;
        } else {
            total = estimateTotal;
            totalGb = estimateGb;
        }
        var withShares = new ArrayList<Line>();
        var costCenters = new java.util.TreeMap<String, Double>();
        for (var l : lines) {
            double c = read ? l.actualMonthly().orElse(0.0) : l.estimateMonthly();
            costCenters.merge(l.costCenter(), c, Double::sum);
            withShares.add(new Line(l.tenant(), l.costCenter(), l.retention(), l.estimateGb(), l.estimateMonthly(), l.actualGb(),
                    l.objects(), l.actualMonthly(), total == 0 ? 0 : c / total, l.savings(), l.bytes(), l.blocks(),
                    l.compactedBlocks(), l.hasData(), l.savingOptions()));
        }
        withShares.sort(Comparator.comparingDouble((Line l) -> read ? -l.actualMonthly().orElse(-1.0) : -l.estimateMonthly())
                .thenComparing(Comparator.comparingDouble((Line l) -> -l.estimateMonthly())).thenComparing(Line::tenant));
        findings.sort(Comparator.comparing(Finding::kind).thenComparing(Finding::prefix));
        var without = read ? withShares.stream().filter(l -> !l.hasData()).map(Line::tenant).sorted().toList() : List.<String>of();
        var totals = new Totals(read ? Optional.of(usage.stream().mapToLong(TenantUsage::bytes).sum()) : Optional.empty(),
                read ? Optional.of(usage.stream().mapToLong(TenantUsage::objects).sum()) : Optional.empty(),
                read ? Optional.of(total) : Optional.empty(), estimateGb, estimateTotal, without, costCenters);
        return new CostReport(stack, prices, bucket, mode, withShares, findings, totalGb, total, totals);
    }

    /**
     * A prefix no tenant file of this stack names. Tempo data (blocks) there is an offboarded tenant's; anything
     * else is not a tenant's at all, whatever its name looks like (Tempo's own root files included).
     */
    static Finding classify(TenantUsage u, double gb, double cost) {
        if (u.prefix().equals(BucketScanner.TEMPO_SEED)) {
            return new Finding("tempo-file", u.prefix(), "Tempo's cluster seed (usage statistics): Tempo's own, keep it", gb, cost);
        }
        if (u.prefix().equals(BucketScanner.ROOT)) {
            return new Finding("not-a-tenant", u.prefix(), u.objects() + " object(s) at the bucket root, in no tenant's folder "
                    + "(Tempo writes only tempo_cluster_seed.json there): check what they are", gb, cost);
        }
        boolean tempoData = u.blocks() > 0 || u.compactedBlocks() > 0 || u.source().equals("index");
        if (tempoData && TENANT_ID.matcher(u.prefix()).matches()) {
            return new Finding("offboarded-tenant", u.prefix(), "Tempo blocks of a tenant not in this stack's tenant files: still "
                    + "stored and paid for; they age out under the default retention", gb, cost);
        }
        return new Finding("not-a-tenant", u.prefix(), "top-level prefix without Tempo blocks, so no tenant's data; Tempo polls "
                + "it as a tenant (grafana/tempo#3913): move or delete it", gb, cost);
    }

    /** Storage plus PUTs: every object is written again about once per retention period (compaction, new blocks). */
    static double monthly(long bytes, long objects, Duration retention, PriceTable prices) {
        double rewritesPerMonth = 30.0 / Math.max(1, retention.toDays());
        return bytes / GB * prices.storagePerGbMonth() + objects * rewritesPerMonth / 1000 * prices.putPer1000();
    }
}
