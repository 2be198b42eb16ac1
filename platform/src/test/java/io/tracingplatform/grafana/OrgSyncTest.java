package io.tracingplatform.grafana;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tracingplatform.Plans;
import io.tracingplatform.yaml.Yaml;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the organisation sync's own tests (platform/src/test/python) with Python, on the desired state this
 * program generates for prod: the bytes of the planned Secret (gzip) are what the sync plans from, and it must read
 * them as exactly the organisations of the Java model. The API tests run the sync
 * against a fake Grafana that keeps the real server's rules (fake_grafana.py cites each in Grafana's source).
 */
class OrgSyncTest {
    static Path python() {
        for (String p : new String[] {"/usr/bin/python3", "/usr/local/bin/python3"}) {
            if (Files.isExecutable(Path.of(p))) return Path.of(p);
        }
        return null;
    }

    @Test
    void syncPlansFromTheGeneratedDesiredState(@TempDir Path dir) throws Exception {
        Path python = python();
        assumeTrue(python != null, "python3 is not installed (.ci/run installs Debian's python3)");
        var inputs = Plans.inputs("prod");
        var plan = GrafanaPlan.of(inputs.settings(), inputs.tenants());
        Path program = Files.writeString(dir.resolve("grafana_org_sync.py"), plan.syncScript());
        var secret = Plans.of("prod").named("kubernetes:core/v1:Secret", "platform-grafana-desired-state");
        String data = GrafanaClusterTest.at(secret.inputs(), "data", DesiredStateDocument.KEY);
        Path desired = Files.write(dir.resolve(DesiredStateDocument.KEY), Base64.getDecoder().decode(data));
        Path expected = Files.writeString(dir.resolve("expected-organisations.json"), Yaml.toJson(plan.desiredState().organisations()));
        var pb = new ProcessBuilder(python.toString(), "-m", "unittest", "-v", "test_grafana_org_sync",
                "test_grafana_org_sync_api")
                .directory(Path.of("platform/src/test/python").toFile())
                .redirectErrorStream(true);
        pb.environment().put("SYNC_DIR", program.getParent().toString());
        pb.environment().put("DESIRED_STATE", desired.toString());
        pb.environment().put("EXPECTED_ORGANISATIONS", expected.toString());
        pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        var process = pb.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(60, TimeUnit.SECONDS);
        assertEquals(0, process.exitValue(), out);
    }
}
