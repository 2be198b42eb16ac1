package io.tracingplatform.tempo.targets;

import io.tracingplatform.config.Durations;
import io.tracingplatform.tempo.TempoConfig;
import io.tracingplatform.tempo.TempoPlan;
import io.tracingplatform.tempo.TempoTarget;
import io.tracingplatform.tempo.WorkloadSpec;
import java.util.Map;
import java.util.Optional;

/**
 * The query entry point (Grafana's Tempo data source): shards queries into jobs. Multi-tenant queries
 * ("a|b" in X-Scope-OrgID) stay on for platform admins; tenants' own data sources send only their id.
 */
public final class QueryFrontend implements TempoTarget {
    @Override
    public String name() {
        return "query-frontend";
    }

    @Override
    public TempoConfig config(TempoConfig base, TempoPlan.Context ctx) {
        // search.max_duration: the longest search for a tenant without its own read.max_search_duration (every tenant
        // has one, from its retention; this is the stack default's retention). The frontend takes the tenant's
        // override when set, else this (modules/frontend/search_sharder.go, maxDuration; not re-read here).
        return base.toBuilder().queryFrontend(new TempoConfig.QueryFrontend(true,
                new TempoConfig.FrontendSearch(Durations.toGo(ctx.defaultRetention())))).build();
    }

    @Override
    public WorkloadSpec workload(TempoPlan.Context ctx) {
        return new WorkloadSpec(name(), false, ctx.size(name()),
                Map.of("prom-metrics", WorkloadSpec.HTTP, "grpc", WorkloadSpec.GRPC),
                Map.of("query-frontend-prom-metrics", WorkloadSpec.HTTP, "http", 80),
                Optional.empty(), 30, false, true, false, true);
    }
}
