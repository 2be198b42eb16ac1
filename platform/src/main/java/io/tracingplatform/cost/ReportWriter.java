package io.tracingplatform.cost;

import io.tracingplatform.yaml.Yaml;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The cost report as a text table, JSON, CSV, or one self-contained HTML page with a bar chart. */
public final class ReportWriter {
    private ReportWriter() {}

    static String money(CostReport r, double v) {
        return String.format(Locale.ROOT, "%.2f %s", v, r.prices().currency());
    }

    static String gb(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    public static String text(CostReport r) {
        var sb = new StringBuilder();
        sb.append("Storage cost, stack ").append(r.stack()).append(r.bucket().map(b -> ", bucket " + b + " (" + r.mode() + ")").orElse(", estimate only"))
                .append(", prices: ").append(r.prices().source()).append('\n');
        String f = "%-20s %-14s %-9s %10s %14s %12s %12s %14s %7s%n";
        sb.append(String.format(Locale.ROOT, f, "TENANT", "COST CENTRE", "RETENTION", "EST. GB", "EST. /MONTH", "GB", "OBJECTS", "/MONTH", "SHARE"));
        for (var l : r.tenants()) {
            boolean noData = r.actual() && !l.hasData();
            sb.append(String.format(Locale.ROOT, f, l.tenant(), l.costCenter(), l.retention(), gb(l.estimateGb()),
                    money(r, l.estimateMonthly()), noData ? "no data yet" : l.actualGb().map(ReportWriter::gb).orElse("-"),
                    l.objects().map(o -> String.format(Locale.ROOT, "%,d", o)).orElse("-"),
                    l.actualMonthly().map(m -> money(r, m)).orElse("-"),
                    noData ? "-" : String.format(Locale.ROOT, "%.0f%%", l.share() * 100)));
        }
        var t = r.totals();
        if (r.actual()) {
            sb.append(String.format(Locale.ROOT, "Total stored (actual, whole bucket): %.1f GB (%,d bytes) in %,d objects, %s per month%n",
                    r.totalGb(), t.actualBytes().orElse(0L), t.actualObjects().orElse(0L), money(r, r.totalMonthly())));
            sb.append(String.format(Locale.ROOT, "Estimate for the tenant files: %.1f GB, %s per month (not in the total or the shares)%n",
                    t.estimateGb(), money(r, t.estimateMonthly())));
            if (!t.tenantsWithoutData().isEmpty()) {
                sb.append("No data in the bucket yet: ").append(String.join(", ", t.tenantsWithoutData())).append('\n');
            }
        } else {
            sb.append(String.format(Locale.ROOT, "Total (estimate): %.1f GB, %s per month%n", r.totalGb(), money(r, r.totalMonthly())));
        }
        sb.append("\nBy cost centre (").append(r.actual() ? "actual" : "estimate").append("):\n");
        t.costCenters().forEach((cc, v) -> sb.append(String.format(Locale.ROOT, "  %-20s %s per month%n", cc, money(r, v))));
        if (!r.findings().isEmpty()) {
            sb.append("\nFindings:\n");
            for (var x : r.findings()) {
                sb.append(String.format(Locale.ROOT, "  %-28s %-24s %s%s%n", x.kind(), x.prefix(), x.detail(),
                        x.gb() > 0 ? String.format(Locale.ROOT, " (%.2f GB, %s/month)", x.gb(), money(r, x.monthly())) : ""));
            }
        }
        sb.append("\nSavings:\n");
        for (var l : r.tenants()) {
            for (var o : l.savingOptions()) {
                sb.append(String.format(Locale.ROOT, "  %-20s %-32s saves %s per month (%s)%n", l.tenant(), describe(o),
                        money(r, o.monthly()), o.basis()));
            }
        }
        return sb.toString();
    }

    static String describe(CostReport.Saving o) {
        return o.kind().equals("retention") ? "retention " + o.from() + " -> " + o.to() : "tail sampling keeping 25%";
    }

    public static Map<String, Object> json(CostReport r) {
        var m = new LinkedHashMap<String, Object>();
        m.put("stack", r.stack());
        m.put("bucket", r.bucket().orElse(null));
        m.put("mode", r.mode());
        m.put("prices", r.prices());
        var tenants = new java.util.ArrayList<Map<String, Object>>();
        for (var l : r.tenants()) {
            var t = new LinkedHashMap<String, Object>();
            t.put("tenant", l.tenant());
            t.put("retention", l.retention());
            t.put("estimateGb", l.estimateGb());
            t.put("estimateMonthly", l.estimateMonthly());
            t.put("actualGb", l.actualGb().orElse(null));
            t.put("objects", l.objects().orElse(null));
            t.put("actualMonthly", l.actualMonthly().orElse(null));
            t.put("share", l.share());
            t.put("savings", l.savings());
            t.put("costCenter", l.costCenter());
            t.put("hasData", l.hasData());
            t.put("bytes", l.bytes().orElse(null));
            t.put("blocks", l.blocks().orElse(null));
            t.put("compactedBlocks", l.compactedBlocks().orElse(null));
            t.put("savingOptions", l.savingOptions());
            tenants.add(t);
        }
        m.put("tenants", tenants);
        m.put("findings", r.findings());
        m.put("totalGb", r.totalGb());
        m.put("totalMonthly", r.totalMonthly());
        var t = r.totals();
        m.put("actual", r.actual());
        m.put("totalBytes", t.actualBytes().orElse(null));
        m.put("totalObjects", t.actualObjects().orElse(null));
        m.put("estimateTotalGb", t.estimateGb());
        m.put("estimateTotalMonthly", t.estimateMonthly());
        m.put("tenantsWithoutData", t.tenantsWithoutData());
        m.put("costCenters", t.costCenters());
        return m;
    }

    public static String csv(CostReport r) {
        var sb = new StringBuilder("tenant,retention,estimate_gb,estimate_monthly,actual_gb,objects,actual_monthly,share,cost_center,bytes,blocks,has_data\n");
        for (var l : r.tenants()) {
            sb.append(String.join(",", List.of(l.tenant(), l.retention(), num(l.estimateGb()), num(l.estimateMonthly()),
                    l.actualGb().map(ReportWriter::num).orElse(""), l.objects().map(String::valueOf).orElse(""),
                    l.actualMonthly().map(ReportWriter::num).orElse(""), num(l.share()), csvField(l.costCenter()),
                    l.bytes().map(String::valueOf).orElse(""), l.blocks().map(String::valueOf).orElse(""),
                    String.valueOf(l.hasData())))).append('\n');
        }
        return sb.toString();
    }

    static String csvField(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    static String num(double d) {
        return String.format(Locale.ROOT, "%.6f", d);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** One page, no external scripts, styles or fonts: an inline SVG bar per tenant, the table, savings, findings. */
    public static String html(CostReport r) {
        double max = r.tenants().stream().mapToDouble(l -> r.actual() ? l.actualMonthly().orElse(0.0) : l.estimateMonthly()).max().orElse(0);
        int rowHeight = 28;
        int height = Math.max(1, r.tenants().size()) * rowHeight + 10;
        var bars = new StringBuilder();
        int y = 5;
        for (var l : r.tenants()) {
            // Actual when a bucket was read (a tenant without data gets an empty bar, labelled), else the estimate.
            boolean noData = r.actual() && !l.hasData();
            double v = r.actual() ? l.actualMonthly().orElse(0.0) : l.estimateMonthly();
            int w = max == 0 ? 0 : (int) Math.round(500 * v / max);
            bars.append(String.format(Locale.ROOT,
                    "<text x=\"0\" y=\"%d\" class=\"label\">%s</text><rect class=\"bar\" data-tenant=\"%s\" x=\"160\" y=\"%d\" width=\"%d\" height=\"20\"/>"
                            + "<text x=\"%d\" y=\"%d\" class=\"value\">%s</text>%n",
                    y + 15, esc(l.tenant()), esc(l.tenant()), y, w, 166 + w, y + 15, noData ? "no data yet" : esc(money(r, v))));
            y += rowHeight;
        }
        var rows = new StringBuilder();
        for (var l : r.tenants()) {
            boolean noData = r.actual() && !l.hasData();
            rows.append("<tr><td>").append(esc(l.tenant())).append("</td><td>").append(esc(l.costCenter())).append("</td><td>")
                    .append(esc(l.retention())).append("</td><td>").append(gb(l.estimateGb())).append("</td><td>")
                    .append(esc(money(r, l.estimateMonthly()))).append("</td><td>")
                    .append(noData ? "no data yet" : l.actualGb().map(ReportWriter::gb).orElse("-")).append("</td><td>")
                    .append(l.actualMonthly().map(m -> esc(money(r, m))).orElse("-")).append("</td><td>")
                    .append(noData ? "-" : String.format(Locale.ROOT, "%.0f%%", l.share() * 100)).append("</td></tr>\n");
        }
        var centres = new StringBuilder();
        r.totals().costCenters().forEach((cc, v) -> centres.append("<tr><td>").append(esc(cc)).append("</td><td>")
                .append(esc(money(r, v))).append("</td></tr>\n"));
        var savings = new StringBuilder();
        for (var l : r.tenants()) {
            for (var o : l.savingOptions()) {
                savings.append("<tr><td>").append(esc(l.tenant())).append("</td><td>").append(esc(describe(o))).append("</td><td>")
                        .append(esc(money(r, o.monthly()))).append("</td><td>").append(esc(o.basis())).append("</td></tr>\n");
            }
        }
        var findings = new StringBuilder();
        for (var f : r.findings()) {
            findings.append("<li><b>").append(esc(f.kind())).append("</b> ").append(esc(f.prefix())).append(": ").append(esc(f.detail())).append("</li>\n");
        }
        var t = r.totals();
        String totals = r.actual()
                ? String.format(Locale.ROOT, "Stored (actual, whole bucket): %.1f GB in %,d objects, ", r.totalGb(), t.actualObjects().orElse(0L))
                        + esc(money(r, r.totalMonthly())) + " per month. Estimate for the tenant files: " + gb(t.estimateGb()) + " GB, "
                        + esc(money(r, t.estimateMonthly())) + " per month (not in the total or the shares)."
                        + (t.tenantsWithoutData().isEmpty() ? "" : " No data in the bucket yet: " + esc(String.join(", ", t.tenantsWithoutData())) + ".")
                : "Total (estimate) " + gb(r.totalGb()) + " GB, " + esc(money(r, r.totalMonthly())) + " per month.";
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Trace storage cost, " + esc(r.stack())
                + "</title>\n<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:1.5em}td,th{padding:4px 10px;"
                + "border-bottom:1px solid #ddd;text-align:right}td:first-child,th:first-child{text-align:left}"
                + ".bar{fill:#3f6fb5}.label,.value{font-size:13px}</style></head><body>\n"
                + "<h1>Trace storage cost: " + esc(r.stack()) + "</h1>\n<p>" + esc(r.bucket().map(b -> "Bucket " + b + " (" + r.mode() + ")")
                        .orElse("Estimate from the tenant files")) + ". " + totals + " Prices: " + esc(r.prices().source()) + ".</p>\n"
                + "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"760\" height=\"" + height + "\" role=\"img\" aria-label=\"monthly cost per tenant\">\n"
                + bars + "</svg>\n<table><tr><th>Tenant</th><th>Cost centre</th><th>Retention</th><th>Est. GB</th><th>Est. per month</th>"
                + "<th>GB</th><th>Per month</th><th>Share</th></tr>\n"
                + rows + "</table>\n<h2>By cost centre</h2><table><tr><th>Cost centre</th><th>Per month (" + (r.actual() ? "actual" : "estimate")
                + ")</th></tr>\n" + centres + "</table>\n"
                + (savings.length() == 0 ? "" : "<h2>Savings</h2><table><tr><th>Tenant</th><th>Change</th><th>Saves per month</th><th>Basis</th></tr>\n"
                        + savings + "</table>\n")
                + (findings.length() == 0 ? "" : "<h2>Findings</h2><ul>\n" + findings + "</ul>\n") + "</body></html>\n";
    }

    public static String render(CostReport r, String format) {
        return switch (format) {
            case "json" -> Yaml.toOutputJson(json(r)) + "\n";
            case "csv" -> csv(r);
            case "html" -> html(r);
            default -> text(r);
        };
    }
}
