package io.tracingplatform.tempo.targets;

import io.tracingplatform.tempo.TempoConfig;
import io.tracingplatform.tempo.TempoPlan;
import io.tracingplatform.tempo.TempoTarget;
import io.tracingplatform.tempo.WorkloadSpec;
import java.util.Map;
import java.util.Optional;

/** Receives spans (OTLP only: the gateway sends nothing else) and fans them out to ingesters and generators. */
public final class Distributor implements TempoTarget {
    public static final int OTLP_GRPC = 4317;
    public static final int OTLP_HTTP = 4318;
    /**
     * The headless Service the gateways resolve ({@code dns:///distributor-discovery...:4317}) to balance requests
     * over every ready distributor (round_robin), instead of pinning one HTTP/2 connection to one ClusterIP backend.
     */
    public static final String DISCOVERY_SERVICE = "distributor-discovery";
    /** The OTLP gRPC receiver's limit: twice the gateway's largest request, so a request is never refused for size. */
    public static final int MAX_RECV_MSG_SIZE_MIB = 16;
    /**
     * Connections from gateways end after this age (plus the grace for requests in flight), so a gateway's
     * round_robin picks up distributors added by the HPA within minutes instead of never.
     */
    public static final String MAX_CONNECTION_AGE = "2m";
    public static final String MAX_CONNECTION_AGE_GRACE = "30s";

    @Override
    public String name() {
        return "distributor";
    }

    @Override
    public TempoConfig config(TempoConfig base, TempoPlan.Context ctx) {
        // The gateway talks to the OTLP receiver (port 4317), a gRPC server of its own that the receiver shim starts
        // from this config (modules/distributor/receiver/shim.go, v2.10.8; not re-read here). Its limits are the
        // collector's configgrpc ServerConfig: max_recv_msg_size_mib (default 4) and keepalive.server_parameters.
        // Tempo's server.grpc_server_* keys govern port 9095 only, which no gateway uses (server.grpc_server_max_
        // recv_msg_size is 16 MiB there by default, config manifest v2.10.8), so they are not the fix here.
        // Bound to all interfaces: since Tempo 2.7 receivers default to localhost, unreachable from the gateway.
        var grpc = Map.of(
                "endpoint", "0.0.0.0:" + OTLP_GRPC,
                "max_recv_msg_size_mib", MAX_RECV_MSG_SIZE_MIB,
                "keepalive", Map.of("server_parameters", Map.of(
                        "max_connection_age", MAX_CONNECTION_AGE,
                        "max_connection_age_grace", MAX_CONNECTION_AGE_GRACE)));
        return base.toBuilder().distributor(new TempoConfig.Distributor(Map.of("otlp", Map.of("protocols", Map.of(
                "grpc", grpc,
                "http", Map.of("endpoint", "0.0.0.0:" + OTLP_HTTP)))))).build();
    }

    @Override
    public WorkloadSpec workload(TempoPlan.Context ctx) {
        // usesBucket: every 2.10.8 target lists the bucket at start (the Common module's usage reporter, and the
        // store every target opens), so each needs the storage identity: a pod without it gets the node's role,
        // which fails ListObjects and stops the target (issue 15, measured on a real 2.10.8 distributor).
        return new WorkloadSpec(name(), false, ctx.size(name()),
                Map.of("prom-metrics", WorkloadSpec.HTTP, "grpc", WorkloadSpec.GRPC, "gossip", WorkloadSpec.GOSSIP,
                        "otlp-grpc", OTLP_GRPC, "otlp-http", OTLP_HTTP),
                Map.of("distributor-prom-metrics", WorkloadSpec.HTTP, "grpc", WorkloadSpec.GRPC,
                        "otlp-grpc", OTLP_GRPC, "otlp-http", OTLP_HTTP),
                Optional.empty(), 60, true, true, true, true);
    }
}
