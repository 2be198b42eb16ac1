package io.tracingplatform.real;

import io.tracingplatform.Plans;
import io.tracingplatform.collector.CredentialWindow;
import io.tracingplatform.collector.GatewayCredentials;
import io.tracingplatform.tenants.Tenant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Benchmark (not a test): what {@code fsync: true} on the gateway's persistent queue costs. The real collector of
 * the prod stack (its rendered config, the suite's build) takes OTLP/HTTP requests from 8 concurrent clients and
 * queues them on disk for a recording backend, once as rendered (fsync on) and once with an overlay that turns
 * fsync off, alternating rounds; reports acknowledged requests per second and the ratio, measured in one run.
 * Run: {@code mvn -B -ntp -Pbench -DskipTests verify}. Arguments: requests per round (2000), spans per request (50).
 */
public final class GatewayFsyncBench {
    static final String STACK = "prod";
    static final String SEED = "real-suite-seed"; // the seed of CollectorRealTest.POD_ENV
    static final int CLIENTS = 8;

    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int spans = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        var release = Servers.release(STACK);
        String version = release.version("otelcolContrib");
        Path bin = Servers.bin("otelcol", version, "otelcol");
        var inputs = Plans.inputs(STACK);
        var gw = inputs.settings().gateway();
        String tenant = inputs.tenants().stream().filter(t -> !t.settings().sampling().enabled()).map(Tenant::id)
                .findFirst().orElseThrow();
        String user = GatewayCredentials.username(tenant, gw.credentialGeneration());
        String password = GatewayCredentials.password(SEED, tenant, gw.credentialGeneration());
        var ids = inputs.tenants().stream().map(Tenant::id).toList();
        Path config = Rendered.of(STACK).resolve("config/otel-gateway/collector.yaml");
        var rendered = CollectorRealTest.read(config);
        var fsyncOn = Laptop.map(Laptop.map(rendered.get("extensions")).get("file_storage/queue")).get("fsync");
        if (!Boolean.TRUE.equals(fsyncOn)) throw new AssertionError("the rendered gateway queue has no fsync: true: " + fsyncOn);
        String body = GatewayTrafficRealTest.body(GatewayTrafficRealTest.newTraceId(), spans, Map.of(), Map.of());

        var results = new java.util.TreeMap<String, List<Double>>();
        for (int round = 0; round < 4; round++) {
            boolean fsync = round % 2 == 0;
            Path work = Path.of("platform", "target", "bench-gateway-fsync", "round-" + round);
            int sinkPort = Proc.freePort(); // a fresh backend per round
            try (var sink = new OtlpSink(sinkPort)) {
                var laptop = Laptop.collector(rendered, work, GatewayCredentials.htpasswd(SEED, ids,
                        CredentialWindow.of(gw, inputs.today())), "127.0.0.1:" + sinkPort);
                Path[] overlays = fsync ? new Path[0] : new Path[] {Files.writeString(work.resolve("fsync-off.yaml"),
                        "extensions:\n  file_storage/queue:\n    fsync: false\n")};
                try (var p = CollectorRealTest.startCollector("gateway", bin, config, laptop, work, overlays)) {
                    send(laptop, user, password, body, requests / 10); // warm-up
                    long t0 = System.nanoTime();
                    int ok = send(laptop, user, password, body, requests);
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    if (ok != requests) throw new AssertionError(ok + " of " + requests + " requests acknowledged\n" + p.tail(20));
                    results.computeIfAbsent(fsync ? "fsync on" : "fsync off", k -> new ArrayList<>()).add(requests / seconds);
                    System.out.printf("round %d, %s: %d requests of %d spans in %.2f s (%.0f req/s)%n", round,
                            fsync ? "fsync on" : "fsync off", requests, spans, seconds, requests / seconds);
                }
            }
        }
        double on = median(results.get("fsync on"));
        double off = median(results.get("fsync off"));
        System.out.printf("gateway queue, %d clients, %d spans per request, otelcol %s: fsync on %.0f req/s, off %.0f req/s; "
                + "on/off = %.2fx%n", CLIENTS, spans, version, on, off, on / off);
    }

    /** Sends n requests from CLIENTS threads; the number acknowledged (HTTP 200). */
    static int send(Laptop.CollectorRun laptop, String user, String password, String body, int n) throws Exception {
        var pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            var futures = new ArrayList<Future<Integer>>();
            for (int c = 0; c < CLIENTS; c++) {
                int share = n / CLIENTS + (c < n % CLIENTS ? 1 : 0);
                futures.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < share; i++) {
                        if (GatewayTrafficRealTest.post(laptop, "/v1/traces", user, password, Map.of(), body) == 200) ok++;
                    }
                    return ok;
                }));
            }
            int ok = 0;
            for (var f : futures) ok += f.get();
            return ok;
        } finally {
            pool.shutdownNow();
        }
    }

    static double median(List<Double> values) {
        var sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
