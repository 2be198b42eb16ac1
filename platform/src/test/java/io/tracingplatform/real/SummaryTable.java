package io.tracingplatform.real;

import java.util.Map;
import java.util.TreeMap;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

/** Prints the real-server summary as a short table when a test run ends (registered in META-INF/services). */
public final class SummaryTable implements TestExecutionListener {
    @Override
    public void testPlanExecutionFinished(TestPlan plan) {
        var entries = Summary.entries();
        if (entries.isEmpty()) return;
        // check | program version | pass | fail | not-run, one row per check kind and program version.
        Map<String, int[]> rows = new TreeMap<>();
        for (var e : entries) {
            int[] n = rows.computeIfAbsent(String.format("%-34s %-15s %-9s", e.check(), e.program(), e.version()),
                    k -> new int[3]);
            n[switch (e.result()) { case "pass" -> 0; case "fail" -> 1; default -> 2; }]++;
        }
        var out = new StringBuilder("\nReal-server checks (" + Summary.FILE + ")\n");
        out.append(String.format("%-34s %-15s %-9s %5s %5s %8s%n", "check", "program", "version", "pass", "fail", "not-run"));
        rows.forEach((k, n) -> out.append(String.format("%s %5d %5d %8d%n", k, n[0], n[1], n[2])));
        long pass = entries.stream().filter(e -> e.result().equals("pass")).count();
        long fail = entries.stream().filter(e -> e.result().equals("fail")).count();
        out.append(String.format("%d checks: %d pass, %d fail, %d not run%n", entries.size(), pass, fail,
                entries.size() - pass - fail));
        System.out.print(out);
    }
}
