package io.tracingplatform.release;

/** Compares dotted numeric versions ("2.10.8", "v0.159.0"); a missing part counts as 0, a suffix ("-rc.1") is ignored. */
public final class Versions {
    private Versions() {}

    public static int compare(String a, String b) {
        String[] x = clean(a).split("\\.");
        String[] y = clean(b).split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            long p = i < x.length ? Long.parseLong(x[i]) : 0;
            long q = i < y.length ? Long.parseLong(y[i]) : 0;
            if (p != q) return Long.compare(p, q);
        }
        return 0;
    }

    private static String clean(String v) {
        String s = v.startsWith("v") ? v.substring(1) : v;
        int cut = s.indexOf('-');
        return cut < 0 ? s : s.substring(0, cut);
    }
}
