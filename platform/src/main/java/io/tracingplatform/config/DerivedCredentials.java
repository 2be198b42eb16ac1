package io.tracingplatform.config;

import com.pulumi.core.Output;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Machine credentials derived from the stack's {@code credentialSeed}: HMAC-SHA256(seed, purpose). Stable
 * across runs (no random provider needed, which is not on Maven Central for Java), distinct per purpose,
 * and rotated together by changing the seed. Results stay secret Outputs.
 */
public final class DerivedCredentials {
    private DerivedCredentials() {}

    public static Output<String> derive(Secret seed, String purpose) {
        return seed.output().applyValue(s -> hmacHex(s, purpose)).asSecret();
    }

    public static String hmacHex(String key, String purpose) {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JRE", e);
        }
    }
}
