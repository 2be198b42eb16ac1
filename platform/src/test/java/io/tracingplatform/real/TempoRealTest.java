package io.tracingplatform.real;

import io.tracingplatform.Plans;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Tempo cannot be run by this suite, and the summary says so for every rendered Tempo config instead of passing it.
 * Tempo is AGPL-3.0: the only route from a registry is a Go module of ours that requires github.com/grafana/tempo
 * and links it, and this workplace forbids depending on that module (its package list marks it "not-to-use: it is
 * under the AGPL"); no registry here ships a Tempo binary. What stands in: the fast suite checks every key of every
 * rendered Tempo config against Tempo's own config manifest at the pinned tag (TempoPlanTest), and README says what
 * that cannot catch (types, cross-field rules, start-up behaviour).
 */
@Tag("real")
class TempoRealTest {
    static final String WHY = "not run: Tempo is AGPL-3.0 and the workplace forbids requiring github.com/grafana/tempo "
            + "(env packages/go-partial.tsv: not-to-use); no registry ships a Tempo binary. Keys checked against the "
            + "pinned config manifest in the fast suite (TempoPlanTest) instead";

    @Test
    void everyTempoConfigIsRecordedAsNotRun() throws IOException {
        for (String stack : Plans.STACKS) {
            String version = Servers.release(stack).version("tempo");
            try (var dirs = Files.list(Rendered.of(stack).resolve("config"))) {
                for (Path dir : dirs.filter(d -> d.getFileName().toString().startsWith("tempo-")).sorted().toList()) {
                    Path file = dir.resolve(dir.getFileName().toString().equals("tempo-overrides") ? "overrides.yaml" : "tempo.yaml");
                    Checks.notRun("tempo.start", "tempo", version, stack, file.toString(), WHY);
                }
            }
        }
    }
}
