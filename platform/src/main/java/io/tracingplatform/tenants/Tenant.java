package io.tracingplatform.tenants;

import java.util.List;
import java.util.Objects;

/**
 * A tenant as one stack sees it: identity from its file, settings resolved for this environment.
 *
 * @param id tenant id (X-Scope-OrgID, bucket prefix, Grafana organisation)
 * @param displayName team name
 * @param costCenter cost center storage is charged to
 * @param contacts e-mail addresses
 * @param file its tenant file, relative to the repository root
 * @param settings its settings in this environment
 */
public record Tenant(String id, String displayName, String costCenter, List<String> contacts, String file,
                     TenantEnvironment settings) {
    public Tenant {
        Objects.requireNonNull(id, "id");
        contacts = List.copyOf(contacts);
    }
}
