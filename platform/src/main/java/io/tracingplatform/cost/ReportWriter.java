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

    public static String text(CostReport r) {
        var sb = new StringBuilder();
        sb.append("Storage cost, stack ").append(r.stack()).append(r.bucket().map(b -> ", bucket " + b + " (" + r.mode() + ")").orElse(", estimate only"))
                .append(", prices: ").append(r.prices().source()).append('\n');
        String f = "%-20s %-9s %12s %14s %12s %12s %14s %7s%n";
        sb.append(String.format(Locale.ROOT, f, "TENANT", "RETENTION", "EST. GB", "EST. /MONTH", "GB", "OBJECTS", "/MONTH", "SHARE"));
        for (var l : r.tenants()) {
            sb.append(String.format(Locale.ROOT, f, l.tenant(), l.retention(), String.format(Locale.ROOT, "%.1f", l.estimateGb()),
                    money(r, l.estimateMonthly()), l.actualGb().map(g -> String.format(Locale.ROOT, "%.1f", g)).orElse("-"),
                    l.objects().map(o -> String.format(Locale.ROOT, "%,d", o)).orElse("-"),
                    l.actualMonthly().map(m -> money(r, m)).orElse("-"), String.format(Locale.ROOT, "%.0f%%", l.share() * 100)));
        }
        sb.append(String.format(Locale.ROOT, "Total: %.1f GB, %s per month%n", r.totalGb(), money(r, r.totalMonthly())));
        if (!r.findings().isEmpty()) {
            sb.append("\nFindings:\n");
            for (var x : r.findings()) {
                sb.append(String.format(Locale.ROOT, "  %-28s %-20s %s%s%n", x.kind(), x.prefix(), x.detail(),
                        x.gb() > 0 ? String.format(Locale.ROOT, " (%.2f GB, %s/month)", x.gb(), money(r, x.monthly())) : ""));
            }
        }
        sb.append("\nSavings:\n");
        for (var l : r.tenants()) {
            l.savings().forEach((change, saving) -> sb.append(String.format(Locale.ROOT, "  %-20s %-32s saves %s per month%n",
                    l.tenant(), change, money(r, saving))));
        }
        return sb.toString();
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
            tenants.add(t);
        }
        m.put("tenants", tenants);
        m.put("findings", r.findings());
        m.put("totalGb", r.totalGb());
        m.put("totalMonthly", r.totalMonthly());
        return m;
    }

    public static String csv(CostReport r) {
        var sb = new StringBuilder("tenant,retention,estimate_gb,estimate_monthly,actual_gb,objects,actual_monthly,share\n");
        for (var l : r.tenants()) {
            sb.append(String.join(",", List.of(l.tenant(), l.retention(), num(l.estimateGb()), num(l.estimateMonthly()),
                    l.actualGb().map(ReportWriter::num).orElse(""), l.objects().map(String::valueOf).orElse(""),
                    l.actualMonthly().map(ReportWriter::num).orElse(""), num(l.share())))).append('\n');
        }
        return sb.toString();
    }

    static String num(double d) {
        return String.format(Locale.ROOT, "%.6f", d);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** One page, no external scripts, styles or fonts: an inline SVG bar per tenant. */
    public static String html(CostReport r) {
        double max = r.tenants().stream().mapToDouble(l -> l.actualMonthly().orElse(l.estimateMonthly())).max().orElse(0);
        int rowHeight = 28;
        int height = Math.max(1, r.tenants().size()) * rowHeight + 10;
        var bars = new StringBuilder();
        int y = 5;
        for (var l : r.tenants()) {
            double v = l.actualMonthly().orElse(l.estimateMonthly());
            int w = max == 0 ? 0 : (int) Math.round(500 * v / max);
            bars.append(String.format(Locale.ROOT,
                    "<text x=\"0\" y=\"%d\" class=\"label\">%s</text><rect class=\"bar\" data-tenant=\"%s\" x=\"160\" y=\"%d\" width=\"%d\" height=\"20\"/>"
                            + "<text x=\"%d\" y=\"%d\" class=\"value\">%s</text>%n",
                    y + 15, esc(l.tenant()), esc(l.tenant()), y, w, 166 + w, y + 15, esc(money(r, v))));
            y += rowHeight;
        }
        var rows = new StringBuilder();
        for (var l : r.tenants()) {
            rows.append("<tr><td>").append(esc(l.tenant())).append("</td><td>").append(esc(l.retention())).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.1f", l.estimateGb())).append("</td><td>")
                    .append(l.actualGb().map(g -> String.format(Locale.ROOT, "%.1f", g)).orElse("-")).append("</td><td>")
                    .append(esc(money(r, l.actualMonthly().orElse(l.estimateMonthly())))).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.0f%%", l.share() * 100)).append("</td></tr>\n");
        }
        var findings = new StringBuilder();
        for (var f : r.findings()) {
            findings.append("<li><b>").append(esc(f.kind())).append("</b> ").append(esc(f.prefix())).append(": ").append(esc(f.detail())).append("</li>\n");
        }
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Trace storage cost, " + esc(r.stack())
                + "</title>\n<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{padding:4px 10px;"
                + "border-bottom:1px solid #ddd;text-align:right}td:first-child,th:first-child{text-align:left}"
                + ".bar{fill:#3f6fb5}.label,.value{font-size:13px}</style></head><body>\n"
                + "<h1>Trace storage cost: " + esc(r.stack()) + "</h1>\n<p>" + esc(r.bucket().map(b -> "Bucket " + b + " (" + r.mode() + ")")
                        .orElse("Estimate from the tenant files")) + ". Total " + String.format(Locale.ROOT, "%.1f GB, ", r.totalGb())
                + esc(money(r, r.totalMonthly())) + " per month. Prices: " + esc(r.prices().source()) + ".</p>\n"
                + "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"760\" height=\"" + height + "\" role=\"img\" aria-label=\"monthly cost per tenant\">\n"
                + bars + "</svg>\n<table><tr><th>Tenant</th><th>Retention</th><th>Est. GB</th><th>GB</th><th>Per month</th><th>Share</th></tr>\n"
                + rows + "</table>\n" + (findings.length() == 0 ? "" : "<h2>Findings</h2><ul>\n" + findings + "</ul>\n") + "</body></html>\n";
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
