package io.tracingplatform.config;

import com.pulumi.core.Output;
import java.util.function.Supplier;

/**
 * A stack secret ({@code pulumi config set --secret}). The real engine decrypts it into a secret
 * {@link Output}; the offline engine cannot decrypt and uses the placeholder {@value #OFFLINE_PLACEHOLDER}.
 * Only components turn it into an Output; planners never see the value.
 */
public final class Secret {
    public static final String OFFLINE_PLACEHOLDER = "[secret]";

    private final String key;
    private final Supplier<Output<String>> value;

    private Secret(String key, Supplier<Output<String>> value) {
        this.key = key;
        this.value = value;
    }

    /** A secret the real engine decrypts on first use. */
    public static Secret fromEngine(String key, Supplier<Output<String>> value) {
        return new Secret(key, value);
    }

    /** The offline stand-in for a {@code secure:} value. */
    public static Secret offline(String key) {
        return new Secret(key, () -> Output.ofSecret(OFFLINE_PLACEHOLDER));
    }

    public String key() {
        return key;
    }

    /** The value as a secret Output; never log or export it unwrapped. */
    public Output<String> output() {
        return value.get();
    }

    @Override
    public String toString() {
        return "Secret[" + key + "]";
    }
}
