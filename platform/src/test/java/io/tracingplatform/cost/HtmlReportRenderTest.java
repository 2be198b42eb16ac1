package io.tracingplatform.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tracingplatform.Plans;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTML cost report as a browser shows it: headless Chromium renders it, screenshots it, and sees a bar per tenant. */
class HtmlReportRenderTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    @TempDir Path tmp;

    String chromium(String... args) throws Exception {
        var cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + tmp.resolve("profile")));
        cmd.addAll(List.of(args));
        var p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "chromium timed out");
        assertEquals(0, p.exitValue(), "chromium failed");
        return out;
    }

    @Test
    void theHtmlReportRendersWithOneBarPerTenant() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "chromium absent: .ci/run installs Debian's chromium package");
        var inputs = Plans.inputs("prod");
        var report = CostReport.of("prod", inputs.tenants(), 3, PriceTable.EU_CENTRAL_1, Optional.empty(), "estimate", List.of(), Instant.now());
        Path page = tmp.resolve("cost.html");
        Files.writeString(page, ReportWriter.html(report));
        Path shot = tmp.resolve("cost.png");
        chromium("--window-size=900,500", "--screenshot=" + shot, page.toUri().toString());
        assertTrue(Files.size(shot) > 5_000, "a screenshot with content: " + Files.size(shot) + " bytes");
        String dom = chromium("--dump-dom", page.toUri().toString());
        int bars = dom.split("<rect class=\"bar\"", -1).length - 1;
        assertEquals(inputs.tenants().size(), bars, "one bar per tenant in the rendered page");
        for (var t : inputs.tenants()) assertTrue(dom.contains("data-tenant=\"" + t.id() + "\""), t.id());
    }
}
