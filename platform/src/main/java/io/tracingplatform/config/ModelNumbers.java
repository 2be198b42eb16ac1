package io.tracingplatform.config;

/** Number formatting for messages and tables: whole numbers without ".0". */
public final class ModelNumbers {
    private ModelNumbers() {}

    public static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
    }
}
