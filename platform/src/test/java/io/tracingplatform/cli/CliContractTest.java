package io.tracingplatform.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracingplatform.yaml.Yaml;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What every command owes its users and scripts: help, one-line errors, the exit codes, JSON errors on stdout. */
class CliContractTest {
    @TempDir Path tmp;

    /** Every command path: ["plan"], ["tenant"], ["tenant", "new"], ... */
    static List<List<String>> commands() {
        var all = new ArrayList<List<String>>();
        walk(new CommandLine(new Main()), new ArrayList<>(), all);
        return all;
    }

    static void walk(CommandLine cli, List<String> path, List<List<String>> all) {
        for (var e : cli.getSubcommands().entrySet()) {
            var p = new ArrayList<>(path);
            p.add(e.getKey());
            all.add(p);
            walk(e.getValue(), p, all);
        }
    }

    static MainTest.Run run(List<String> path, String... more) {
        var args = new ArrayList<>(path);
        args.addAll(List.of(more));
        return MainTest.run(args.toArray(String[]::new));
    }

    @Test
    void helpAndHOnEveryCommandAndSubcommandExit0() {
        var commands = commands();
        assertTrue(commands.contains(List.of("tenant", "new")) && commands.contains(List.of("upgrade", "plan")), commands.toString());
        for (var path : commands) {
            for (String flag : List.of("--help", "-h")) {
                var r = run(path, flag);
                assertEquals(0, r.code(), path + " " + flag + ": " + r.err());
                assertTrue(r.out().startsWith("Usage: platformctl " + String.join(" ", path)), path + " " + flag + ":\n" + r.out());
            }
        }
        var nested = MainTest.run("help", "tenant", "new");
        assertEquals(0, nested.code());
        assertTrue(nested.out().startsWith("Usage: platformctl tenant new"), "help walks the whole path:\n" + nested.out());
        assertEquals(0, MainTest.run("--help").code());
    }

    @Test
    void everyCommandWithBadArgumentsGivesOneClearLineAndNoStackTrace() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        Path missing = tmp.resolve("missing/deeper");
        var generic = List.of(List.<String>of(), List.of("--nope"), List.of("--format", "xml"), List.of("--stack"),
                List.of("--stack", "nope"), List.of("--stack", "dev", "extra", "args"));
        var cases = new ArrayList<List<String>>();
        for (var path : commands()) {
            for (var bad : generic) {
                var c = new ArrayList<>(path);
                c.addAll(bad);
                cases.add(c);
            }
        }
        cases.addAll(List.of(
                List.of("cost", "--stack", "dev", "--bucket", "b", "--endpoint", "not-a-url"),
                List.of("cost", "--stack", "dev", "--bucket", "b", "--endpoint", "ftp://host/x"),
                List.of("cost", "--stack", "dev", "--bucket", "b", "--endpoint", "http://"),
                List.of("cost", "--stack", "dev", "--out", tmp.toString()),
                List.of("cost", "--stack", "dev", "--out", file.resolve("x.txt").toString()),
                List.of("cost", "--stack", "dev", "--prices", missing.toString()),
                List.of("cost", "--stack", "dev", "--parallelism", "many"),
                List.of("render", "--stack", "dev", "--out", file.toString()),
                List.of("tenant", "validate", missing.toString()),
                List.of("tenant", "new", "Bad_Id"),
                List.of("tenant", "credentials", "payments", "--stack", "dev", "--seed-file", missing.toString()),
                List.of("tenant", "credentials", "nobody", "--stack", "dev", "--seed-file", file.toString()),
                List.of("upgrade", "plan", "--stack", "dev", "--to", "1999.01"),
                List.of("upgrade", "check", "--stack", "dev", "--kubeconfig", missing.toString()),
                List.of("help", "nope")));
        for (var c : cases) {
            for (boolean json : List.of(false, true)) {
                var args = new ArrayList<>(c);
                if (json && !c.contains("--format")) args.addAll(List.of("--format", "json"));
                var r = MainTest.run(args.toArray(String[]::new));
                String all = r.out() + r.err();
                assertFalse(all.contains("\tat "), args + ": no stack trace without --debug:\n" + all);
                // Some generic cases are valid for some commands ('tenant validate' alone checks every file).
                assertTrue(r.code() >= 0 && r.code() <= 2, args + ": exit " + r.code() + "\n" + all);
                if (r.code() != 0) assertFalse(r.err().isBlank(), args + ": an error says what is wrong");
                assertFalse(r.err().contains("internal error"), args + ": an expected mistake, not a bug:\n" + r.err());
            }
        }
    }

    @Test
    void costAcceptsHostPortAndCreatesTheOutFolder() throws Exception {
        assertEquals("http://localhost:9000", CostCommand.endpoint("localhost:9000").toString());
        assertEquals("https://s3.example.com", CostCommand.endpoint("https://s3.example.com").toString());
        Path report = tmp.resolve("reports/2026/cost.csv");
        var r = MainTest.run("cost", "--stack", "dev", "--format", "CSV", "--out", report.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.readString(report).startsWith("tenant,"), "--format is case-insensitive; the folder was created");
    }

    @Test
    void jsonErrorsGoToStdoutAsJsonAndKeepTheExitCode() throws Exception {
        var unknown = MainTest.run("plan", "--stack", "nope", "--format", "JSON");
        assertEquals(2, unknown.code());
        JsonNode e = Yaml.JSON.readTree(unknown.out()).get("error");
        assertTrue(e.get("message").asText().contains("Unknown stack 'nope'"), unknown.out());
        for (String key : List.of("message", "file", "line", "field", "fix")) assertTrue(e.has(key), key + " in " + e);

        var usage = MainTest.run("plan", "--format=json");
        assertEquals(2, usage.code());
        assertTrue(Yaml.JSON.readTree(usage.out()).get("error").get("message").asText().contains("--stack"), usage.out());

        var endpoint = MainTest.run("cost", "--stack", "dev", "--bucket", "b", "--endpoint", "not-a-url", "--format", "json");
        assertEquals(2, endpoint.code());
        var ee = Yaml.JSON.readTree(endpoint.out()).get("error");
        assertEquals("--endpoint", ee.get("field").asText());
        assertTrue(ee.get("fix").asText().contains("http://localhost:9000"), ee.toString());
    }

    @Test
    void debugWorksBeforeTheSubcommand() {
        var r = MainTest.run("--debug", "plan", "--stack", "nope");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("\tat "), "--debug before the subcommand prints the stack trace:\n" + r.err());
    }

    @Test
    void upgradePlanRolloutStepsCarryUrns() throws Exception {
        var r = MainTest.run("upgrade", "plan", "--stack", "dev", "--to", "2026.08", "--format", "json");
        assertTrue(r.code() <= 1, r.err());
        JsonNode rollout = Yaml.JSON.readTree(r.out()).get("rollout");
        assertTrue(rollout.size() > 0, r.out());
        for (JsonNode step : rollout) {
            assertEquals(step.get("resources").size(), step.get("urns").size(), step.toString());
            for (JsonNode urn : step.get("urns")) assertTrue(urn.asText().startsWith("urn:pulumi:dev::"), urn.asText());
        }
        var text = MainTest.run("upgrade", "plan", "--stack", "dev", "--to", "2026.08");
        assertTrue(text.out().contains("--target 'urn:pulumi:dev::"), text.out());
    }
}
