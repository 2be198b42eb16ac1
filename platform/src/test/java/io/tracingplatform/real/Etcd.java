package io.tracingplatform.real;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** A throwaway real etcd (Debian's, pinned in versions.properties) on loopback, for real API servers. */
final class Etcd implements AutoCloseable {
    final Proc proc;
    final String url;

    private Etcd(Proc proc, String url) {
        this.proc = proc;
        this.url = url;
    }

    /** Starts on an empty data folder {@code work/etcd-data} and waits for /health. */
    static Etcd start(Path work) throws IOException {
        String version = Servers.pin("debian/etcd");
        Path data = work.resolve("etcd-data");
        if (Files.exists(data)) {
            try (var walk = Files.walk(data)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        int client = Proc.freePort();
        int peer = Proc.freePort();
        String url = "http://127.0.0.1:" + client;
        var proc = Proc.start("etcd", List.of(Servers.bin("debian/etcd", version, "etcd").toString(),
                "--name=real", "--data-dir=" + data.toAbsolutePath(),
                "--listen-client-urls=" + url, "--advertise-client-urls=" + url,
                "--listen-peer-urls=http://127.0.0.1:" + peer, "--initial-advertise-peer-urls=http://127.0.0.1:" + peer,
                "--initial-cluster=real=http://127.0.0.1:" + peer,
                "--unsafe-no-fsync", "--log-level=warn"), Map.of(), work); // a throwaway store: speed over durability
        proc.awaitHttp200(url + "/health", Duration.ofSeconds(60));
        return new Etcd(proc, url);
    }

    @Override
    public void close() {
        proc.close();
    }
}
