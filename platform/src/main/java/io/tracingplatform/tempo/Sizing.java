package io.tracingplatform.tempo;

import io.tracingplatform.config.TempoSettings;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Replicas and resources per Tempo component from the planned peak ingest (I, MB/s), after Tempo's size guide
 * ("Size the cluster"): distributor 1 per 10 MB/s (2 cores, 2 GB); ingester 1 per 3-5 MB/s (we use 4),
 * never below the replication factor (2.5 cores, 4-20 GB); querier 1 per 1-2 MB/s (we use 1.5); query-frontend
 * 2 for availability; compactor 1 per 3-5 MB/s (we use 4). The guide does not size the metrics-generator and
 * memcached: 1 per 10 MB/s and 1 per 50 MB/s. Stateless components keep 2 replicas at least (one may be
 * rolling). Every value can be overridden per stack ({@code tempo.components.<name>}).
 */
public final class Sizing {
    /** Replicas plus requests and limits of one component. */
    public record Size(int replicas, String cpu, String memory, String cpuLimit, String memoryLimit) {}

    private Sizing() {}

    public static Map<String, Size> of(TempoSettings t) {
        double i = t.plannedIngestMBps();
        boolean small = t.profile().equals("small");
        int ha = small ? 1 : 2; // a laptop runs one of each
        var sizes = new LinkedHashMap<String, Size>();
        sizes.put("distributor", size(t, "distributor", Math.max(ha, ceil(i / 10)), "2", "2Gi", "4", "4Gi", small));
        sizes.put("ingester", size(t, "ingester", Math.max(t.replicationFactor(), ceil(i / 4)), "2500m", "4Gi", "4", "8Gi", small));
        sizes.put("querier", size(t, "querier", Math.max(ha, ceil(i / 1.5)), "1", "4Gi", "2", "8Gi", small));
        sizes.put("query-frontend", size(t, "query-frontend", ha, "1", "4Gi", "2", "8Gi", small));
        sizes.put("compactor", size(t, "compactor", Math.max(1, ceil(i / 4)), "1", "4Gi", "2", "8Gi", small));
        sizes.put("metrics-generator", size(t, "metrics-generator", Math.max(1, ceil(i / 10)), "1", "2Gi", "2", "4Gi", small));
        sizes.put("memcached", size(t, "memcached", Math.max(1, ceil(i / 50)), "500m", "1329Mi", "1", "1536Mi", small));
        return sizes;
    }

    static int ceil(double v) {
        return (int) Math.ceil(v - 1e-9);
    }

    private static Size size(TempoSettings t, String name, int replicas, String cpu, String mem, String cpuLimit,
                             String memLimit, boolean small) {
        var o = t.override(name);
        return new Size(
                o.replicas().orElse(replicas),
                o.cpu().orElse(small ? tenth(cpu) : cpu),
                o.memory().orElse(small ? tenth(mem) : mem),
                o.cpuLimit().orElse(small ? tenth(cpuLimit) : cpuLimit),
                o.memoryLimit().orElse(small ? tenth(memLimit) : memLimit));
    }

    /** A tenth of a quantity, in milli-CPU or Mi, for the small profile. */
    static String tenth(String q) {
        if (q.endsWith("Gi")) return Math.max(64, Math.round(Double.parseDouble(q.replace("Gi", "")) * 1024 / 10)) + "Mi";
        if (q.endsWith("Mi")) return Math.max(32, Math.round(Double.parseDouble(q.replace("Mi", "")) / 10)) + "Mi";
        if (q.endsWith("m")) return Math.max(10, Math.round(Double.parseDouble(q.replace("m", "")) / 10)) + "m";
        return Math.max(10, Math.round(Double.parseDouble(q) * 100)) + "m";
    }
}
