package io.tracingplatform.grafana;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import java.util.TreeMap;

/**
 * One Grafana data source, in the shape both Grafana's HTTP API ({@code POST /api/datasources}) and its
 * provisioning files take. {@code secureJsonData} holds what Grafana encrypts and never returns (tenant
 * header values); everything else is readable by the organisation's users.
 *
 * @param uid fixed, so correlation links and dashboards survive re-creation
 * @param name display name
 * @param type plugin id: tempo, loki, prometheus (all core)
 * @param url backend URL, reached by Grafana's server ({@code access: proxy})
 * @param isDefault the organisation's default data source
 * @param jsonData plugin settings (correlations, header names)
 * @param secureJsonData encrypted settings (header values)
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record DataSource(String uid, String name, String type, String url, String access, boolean isDefault,
                         boolean editable, Map<String, Object> jsonData, Map<String, String> secureJsonData) {
    public DataSource {
        jsonData = new TreeMap<>(jsonData);
        secureJsonData = new TreeMap<>(secureJsonData);
    }

    /** Grafana's way to send a fixed header: its name in jsonData, its value encrypted. */
    static DataSource of(String uid, String name, String type, String url, boolean isDefault, Map<String, Object> jsonData,
                         String tenantHeader) {
        var json = new TreeMap<>(jsonData);
        var secure = new TreeMap<String, String>();
        if (tenantHeader != null && !tenantHeader.isEmpty()) {
            json.put("httpHeaderName1", DataSources.TENANT_HEADER);
            secure.put("httpHeaderValue1", tenantHeader);
        }
        return new DataSource(uid, name, type, url, "proxy", isDefault, false, json, secure);
    }

    /** The tenant header value this data source sends, or "" without one. */
    public String tenantHeader() {
        return DataSources.TENANT_HEADER.equals(jsonData.get("httpHeaderName1")) ? secureJsonData.getOrDefault("httpHeaderValue1", "") : "";
    }
}
