package io.tracingplatform.tempo;

import java.util.List;
import java.util.Map;

/**
 * The pods outside Tempo that connect to it, by their pod selectors in the platform namespace, for Tempo's
 * NetworkPolicies. The composition root ({@code TracingPlatform}) names them, so Tempo depends on none of its
 * clients' packages.
 *
 * @param writers pods that send OTLP to the distributors (the gateway, the sampler)
 * @param readers pods that query the query-frontends (Grafana)
 * @param scrapers pods that scrape the metrics port besides the Prometheus of {@code tempo.scrapeNamespaces} (the
 *     local stack's own Prometheus); none elsewhere
 */
public record TempoClients(List<Map<String, String>> writers, List<Map<String, String>> readers,
                           List<Map<String, String>> scrapers) {
    public TempoClients {
        writers = List.copyOf(writers);
        readers = List.copyOf(readers);
        scrapers = List.copyOf(scrapers);
    }
}
