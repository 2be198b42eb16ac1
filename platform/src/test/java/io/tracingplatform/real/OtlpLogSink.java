package io.tracingplatform.real;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The receiving end of the gateway's logs in traffic checks, standing where Loki's OTLP endpoint stands (Loki is not
 * built here): an OTLP/HTTP server (the JDK's) that records, per request, the path, the {@code X-Scope-OrgID} the
 * gateway sent, and every log record with its resource and record attributes. It answers what the test says (200,
 * or a refusal), so a check can see whether the gateway passes a backend's refusal back. Decoded with protobuf's
 * schema-less reader (opentelemetry-proto logs/v1/logs.proto: ResourceLogs 1 resource, 2 scope_logs; ScopeLogs 2
 * log_records; LogRecord 5 body, 6 attributes).
 */
final class OtlpLogSink implements AutoCloseable {
    record LogRecord(String path, String orgId, String body, Map<String, String> resource, Map<String, String> attributes) {}

    private final List<LogRecord> records = new ArrayList<>();
    private final HttpServer server;
    private volatile int status = 200;

    OtlpLogSink(int port) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the OTLP log sink on 127.0.0.1:" + port, e);
        }
        server.createContext("/", exchange -> {
            try (exchange) {
                byte[] body;
                try (InputStream in = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))
                        ? new GZIPInputStream(exchange.getRequestBody()) : exchange.getRequestBody()) {
                    body = in.readAllBytes();
                }
                int answer = status;
                if (answer == 200) record(exchange.getRequestURI().getPath(), exchange.getRequestHeaders().getFirst("X-Scope-OrgID"), body);
                exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(answer, -1); // an empty ExportLogsServiceResponse: all accepted
            }
        });
        server.start();
    }

    /** What the sink answers from now on (200 accepts and records; anything else refuses and records nothing). */
    void answer(int httpStatus) {
        status = httpStatus;
    }

    synchronized List<LogRecord> records() {
        return List.copyOf(records);
    }

    private synchronized void record(String path, String orgId, byte[] request) {
        try {
            var req = UnknownFieldSet.parseFrom(request);
            for (ByteString rl : OtlpSink.lengthDelimited(req, 1)) {
                var resourceLogs = UnknownFieldSet.parseFrom(rl);
                var resource = new LinkedHashMap<String, String>();
                for (ByteString r : OtlpSink.lengthDelimited(resourceLogs, 1)) resource.putAll(OtlpSink.attributes(UnknownFieldSet.parseFrom(r), 1));
                for (ByteString sl : OtlpSink.lengthDelimited(resourceLogs, 2)) {
                    for (ByteString lr : OtlpSink.lengthDelimited(UnknownFieldSet.parseFrom(sl), 2)) {
                        var log = UnknownFieldSet.parseFrom(lr);
                        var body = OtlpSink.lengthDelimited(log, 5);
                        records.add(new LogRecord(path, orgId, body.isEmpty() ? "" : OtlpSink.string(UnknownFieldSet.parseFrom(body.get(0)), 1),
                                Map.copyOf(resource), OtlpSink.attributes(log, 6)));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("not an OTLP ExportLogsServiceRequest", e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
