package io.tracingplatform.offline;

import com.pulumi.test.Mocks;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The offline engine's provider stand-in: records every resource the program registers and echoes its
 * inputs back as state, adding only the computed outputs the program reads (ids, ARNs). An invoke the
 * program was not expected to make fails loudly instead of returning something plausible.
 */
public final class RecordingMocks implements Mocks {
    /** A resource as the provider would receive it. */
    public record Registered(String type, String name, Map<String, Object> inputs, String provider) {}

    private final List<Registered> registered = Collections.synchronizedList(new ArrayList<>());
    private final String accountId;
    private final String region;

    public RecordingMocks(String accountId, String region) {
        this.accountId = accountId;
        this.region = region;
    }

    public List<Registered> registered() {
        synchronized (registered) {
            return List.copyOf(registered);
        }
    }

    @Override
    public CompletableFuture<ResourceResult> newResourceAsync(ResourceArgs args) {
        var inputs = args.inputs == null ? Map.<String, Object>of() : args.inputs;
        registered.add(new Registered(args.type, args.name, inputs, args.provider));
        var state = new LinkedHashMap<String, Object>(inputs);
        state.putAll(ComputedOutputs.of(args.type, args.name, inputs, accountId, region));
        String id = ComputedOutputs.id(args.type, args.name, inputs);
        return CompletableFuture.completedFuture(ResourceResult.of(Optional.of(id), state));
    }

    @Override
    public CompletableFuture<Map<String, Object>> callAsync(CallArgs args) {
        return CompletableFuture.failedFuture(new IllegalStateException(
                "the program made an invoke the offline engine does not model: " + args.token
                        + "; derive the value from settings instead, so both engines agree"));
    }
}
