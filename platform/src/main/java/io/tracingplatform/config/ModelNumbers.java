package io.tracingplatform.config;

/** Number formatting for messages and tables: whole numbers without ".0". */
public final class ModelNumbers {
    private ModelNumbers() {}

    public static String fmt(double d) {
        return String.valueOf(whole(d));
    }

    /** Bytes of a Kubernetes memory or storage quantity with a binary suffix or none ("10Gi", "512Mi", "1073741824"). */
    public static long bytes(String quantity) {
        String[] suffixes = {"Ki", "Mi", "Gi", "Ti"};
        for (int i = 0; i < suffixes.length; i++) {
            if (quantity.endsWith(suffixes[i])) {
                double n = Double.parseDouble(quantity.substring(0, quantity.length() - 2));
                return (long) (n * Math.pow(1024, i + 1));
            }
        }
        return (long) Double.parseDouble(quantity);
    }

    /** A whole double as a Long (10.0 becomes 10), anything else unchanged; infinities and NaN stay doubles. */
    public static Object whole(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? (Object) (long) d : (Object) d;
    }
}
