package io.tracingplatform.cost;

import java.time.Instant;
import java.util.Optional;

/**
 * What one top-level prefix of the trace bucket holds.
 *
 * @param prefix the prefix (a tenant id for Tempo, whatever it is)
 * @param bytes stored bytes
 * @param objects stored objects
 * @param blocks live blocks
 * @param compactedBlocks compacted blocks still stored, awaiting deletion
 * @param compactedBytes their bytes
 * @param oldestBlockEnd end time of the oldest live block (from the index; in exact mode the oldest meta.json)
 * @param source "index" (fast), "listing" (exact), or "listing (index missing|corrupt: ...)" on fallback
 */
public record TenantUsage(String prefix, long bytes, long objects, long blocks, long compactedBlocks, long compactedBytes,
                          Optional<Instant> oldestBlockEnd, String source) {}
