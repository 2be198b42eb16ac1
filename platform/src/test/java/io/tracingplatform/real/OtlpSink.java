package io.tracingplatform.real;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The receiving end of the gateway in traffic checks, standing where Tempo's distributor stands (Tempo cannot run
 * here): a real OTLP/gRPC server (grpc-java) that accepts TraceService/Export and records, per request, the
 * {@code X-Scope-OrgID} the gateway sent and every span with its resource and span attributes. It judges nothing:
 * the assertions are about what the real collector sent. Decoded with protobuf's schema-less reader (OTLP field
 * numbers from opentelemetry-proto trace/v1/trace.proto, common/v1/common.proto).
 */
final class OtlpSink implements AutoCloseable {
    /** One span as received: its request's tenant header, ids, name, resource and span attributes (strings). */
    record Span(String orgId, String traceId, String spanId, String name, Map<String, String> resource,
                Map<String, String> attributes) {}

    private static final Metadata.Key<String> ORG_ID = Metadata.Key.of("x-scope-orgid", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<String> CURRENT_ORG = Context.key("org");
    private final List<Span> spans = new ArrayList<>();
    private final Server server;

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<byte[]>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };
    private static final MethodDescriptor<byte[], byte[]> EXPORT = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("opentelemetry.proto.collector.trace.v1.TraceService/Export")
            .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();

    OtlpSink(int port) {
        var service = ServerServiceDefinition.builder("opentelemetry.proto.collector.trace.v1.TraceService")
                .addMethod(EXPORT, ServerCalls.asyncUnaryCall((request, response) -> {
                    record(CURRENT_ORG.get(), request);
                    response.onNext(new byte[0]); // an empty ExportTraceServiceResponse: all accepted
                    response.onCompleted();
                })).build();
        ServerInterceptor headers = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata md, ServerCallHandler<Q, R> next) {
                return Contexts.interceptCall(Context.current().withValue(CURRENT_ORG, md.get(ORG_ID)), call, md, next);
            }
        };
        try {
            server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                    .maxInboundMessageSize(64 * 1024 * 1024)
                    .addService(ServerInterceptors.intercept(service, headers)).build().start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the OTLP sink on 127.0.0.1:" + port, e);
        }
    }

    /**
     * One OTLP/gRPC TraceService/Export call with an empty request to 127.0.0.1:port, with the given Authorization
     * metadata (or none): the gRPC status code the server answers ("OK", "UNAUTHENTICATED", ...).
     */
    static String export(int port, String authorization) {
        var channel = io.grpc.ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            var md = new Metadata();
            if (authorization != null) md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), authorization);
            var call = io.grpc.ClientInterceptors.intercept(channel, io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(md));
            io.grpc.stub.ClientCalls.blockingUnaryCall(call, EXPORT, io.grpc.CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), new byte[0]);
            return "OK";
        } catch (io.grpc.StatusRuntimeException e) {
            return e.getStatus().getCode().name();
        } finally {
            channel.shutdownNow();
        }
    }

    synchronized List<Span> spans() {
        return List.copyOf(spans);
    }

    /** Polls until {@code count} distinct spans matching {@code which} arrived, or the timeout passed: those matching. */
    List<Span> await(java.util.function.Predicate<Span> which, int count, java.time.Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Span> got = List.of();
        while (System.nanoTime() < deadline) {
            got = spans().stream().filter(which).toList();
            if (got.stream().map(Span::spanId).distinct().count() >= count) break;
            GatewayTrafficRealTest.sleep(100);
        }
        return got;
    }

    private synchronized void record(String orgId, byte[] request) {
        try {
            var req = UnknownFieldSet.parseFrom(request);
            for (ByteString rs : lengthDelimited(req, 1)) {
                var resourceSpans = UnknownFieldSet.parseFrom(rs);
                var resource = new LinkedHashMap<String, String>();
                for (ByteString r : lengthDelimited(resourceSpans, 1)) resource.putAll(attributes(UnknownFieldSet.parseFrom(r), 1));
                for (ByteString ss : lengthDelimited(resourceSpans, 2)) {
                    for (ByteString sp : lengthDelimited(UnknownFieldSet.parseFrom(ss), 2)) {
                        var span = UnknownFieldSet.parseFrom(sp);
                        spans.add(new Span(orgId, hex(span, 1), hex(span, 2), string(span, 5), Map.copyOf(resource),
                                attributes(span, 9)));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("not an OTLP ExportTraceServiceRequest", e);
        }
    }

    static List<ByteString> lengthDelimited(UnknownFieldSet set, int field) {
        return set.hasField(field) ? set.getField(field).getLengthDelimitedList() : List.of();
    }

    static String string(UnknownFieldSet set, int field) {
        var l = lengthDelimited(set, field);
        return l.isEmpty() ? "" : l.get(0).toStringUtf8();
    }

    static String hex(UnknownFieldSet set, int field) {
        var l = lengthDelimited(set, field);
        return l.isEmpty() ? "" : HexFormat.of().formatHex(l.get(0).toByteArray());
    }

    static Map<String, String> attributes(UnknownFieldSet owner, int field) throws IOException {
        var out = new LinkedHashMap<String, String>();
        for (ByteString kv : lengthDelimited(owner, field)) {
            var pair = UnknownFieldSet.parseFrom(kv);
            var value = lengthDelimited(pair, 2);
            out.put(string(pair, 1), value.isEmpty() ? "" : string(UnknownFieldSet.parseFrom(value.get(0)), 1));
        }
        return out;
    }

    @Override
    public void close() {
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
