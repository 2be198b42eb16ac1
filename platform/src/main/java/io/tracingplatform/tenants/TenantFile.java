package io.tracingplatform.tenants;

import io.tracingplatform.yaml.LocatedYaml;
import java.util.List;
import java.util.Map;

/**
 * A tenant file that passed the model check: identity plus each environment's entry as typed values
 * (only what the file says; defaults are applied per stack).
 */
public record TenantFile(String file, LocatedYaml.Document document, String id, String displayName,
                         String costCenter, List<String> contacts, Map<String, Map<String, Object>> environments) {}
