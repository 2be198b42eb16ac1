package io.tracingplatform.collector;

import io.tracingplatform.config.DerivedCredentials;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tenant gateway credentials: password = HMAC-SHA256(credentialSeed, "gateway/tenant/<id>/generation/<n>"),
 * stable across runs, distinct per tenant, rotated by bumping {@code gateway.credentialGeneration}. The gateway
 * checks them with the basicauth extension against an htpasswd file ({SHA} entries: each password is 256
 * random bits, so an unsalted hash is not brute-forceable).
 *
 * <p>Each generation has its own user name ({@link #username}), so that during a rotation window (CredentialWindow)
 * the htpasswd can hold the previous and the current credential of a tenant side by side (an htpasswd maps one name
 * to one password). The gateway strips the generation suffix to get the tenant (GatewayPlan.tenantFromAuth).
 */
public final class GatewayCredentials {
    private GatewayCredentials() {}

    /** Separates a tenant id from its credential generation; tenant ids (DNS-1123 labels) cannot contain it. */
    public static final String GENERATION_SEPARATOR = "@";

    /**
     * The user name of a tenant's credential of one generation: the tenant id for generation 1 (what every stack used
     * before rotation windows existed, so their teams' Secrets stay valid), {@code <id>@<n>} from generation 2 on.
     */
    public static String username(String tenant, int generation) {
        return generation == 1 ? tenant : tenant + GENERATION_SEPARATOR + generation;
    }

    public static String password(String seed, String tenant, int generation) {
        return DerivedCredentials.hmacHex(seed, "gateway/tenant/" + tenant + "/generation/" + generation);
    }

    /** The user the gateway authenticates as to the sampling tier. */
    public static final String SAMPLER_USER = "gateway";

    /** The gateway's password at the sampling tier: HMAC(seed, "gateway/sampler"), rotated with the seed. */
    public static String samplerPassword(String seed) {
        return DerivedCredentials.hmacHex(seed, "gateway/sampler");
    }

    /** The Authorization header the gateway sends to the sampling tier. */
    public static String samplerAuthorization(String seed) {
        return authorization(SAMPLER_USER, samplerPassword(seed));
    }

    /** The sampling tier's htpasswd: the gateway only. */
    public static String samplerHtpasswd(String seed) {
        return SAMPLER_USER + ":{SHA}" + sha1Base64(samplerPassword(seed)) + "\n";
    }

    /** Per tenant (sorted) one htpasswd line for each generation the window accepts, the current one first. */
    public static String htpasswd(String seed, List<String> tenants, CredentialWindow window) {
        var sb = new StringBuilder();
        for (String id : tenants.stream().sorted().toList()) {
            for (int generation : window.accepted()) {
                sb.append(username(id, generation)).append(":{SHA}").append(sha1Base64(password(seed, id, generation))).append('\n');
            }
        }
        return sb.toString();
    }

    static String sha1Base64(String text) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JRE", e);
        }
    }

    /** The Authorization header value for a user name (a tenant's: {@link #username}) and its password. */
    public static String authorization(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The Secret each tenant namespace gets: the standard OpenTelemetry SDK variables, so {@code envFrom} is all
     * a team needs. Header values are percent-encoded, as OTEL_EXPORTER_OTLP_HEADERS requires. A signal the stack has
     * no backend for is switched off in the SDK (GatewayPlan.unservedSignals) instead of failing on every export.
     */
    public static Map<String, String> sdkEnvironment(String endpoint, String tenant, String password,
                                                     io.tracingplatform.config.GatewaySettings gateway) {
        var env = new TreeMap<String, String>(GatewayPlan.unservedSignals(gateway));
        env.put("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint);
        env.put("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        env.put("OTEL_EXPORTER_OTLP_HEADERS", "Authorization=" + URLEncoder.encode(authorization(username(tenant, gateway.credentialGeneration()), password),
                StandardCharsets.UTF_8).replace("+", "%20"));
        env.put("TRACING_TENANT", tenant);
        return env;
    }
}
