package io.tracingplatform.config;

/** Number formatting for messages and tables: whole numbers without ".0". */
public final class ModelNumbers {
    private ModelNumbers() {}

    public static String fmt(double d) {
        return String.valueOf(whole(d));
    }

    /** A whole double as a Long (10.0 becomes 10), anything else unchanged; infinities and NaN stay doubles. */
    public static Object whole(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? (Object) (long) d : (Object) d;
    }
}
