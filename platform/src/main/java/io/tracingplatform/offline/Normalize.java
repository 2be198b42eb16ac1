package io.tracingplatform.offline;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import io.tracingplatform.config.ModelNumbers;

/**
 * Inputs as the mock engine hands them over carry numbers as doubles (2.0) and maps in arbitrary order.
 * Normalised: whole doubles become longs (Kubernetes rejects 2.0 for an int32 field), maps are sorted.
 */
public final class Normalize {
    private Normalize() {}

    public static Map<String, Object> map(Map<String, ?> in) {
        var out = new TreeMap<String, Object>();
        in.forEach((k, v) -> out.put(k, value(v)));
        return out;
    }

    public static Object value(Object v) {
        if (v instanceof Map<?, ?> m) {
            var out = new TreeMap<String, Object>();
            m.forEach((k, val) -> out.put(String.valueOf(k), value(val)));
            return out;
        }
        if (v instanceof List<?> l) {
            var out = new ArrayList<Object>(l.size());
            for (var item : l) out.add(value(item));
            return out;
        }
        return v instanceof Double d ? ModelNumbers.whole(d) : v;
    }
}
