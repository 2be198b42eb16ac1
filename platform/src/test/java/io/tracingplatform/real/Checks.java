package io.tracingplatform.real;

/**
 * Records a real program's verdict on one input and fails the test when it is not the expected one. A negative
 * control (expect "reject") that the program accepts fails too: a check that cannot fail proves nothing.
 */
public final class Checks {
    public static final String ACCEPT = "accept";
    public static final String REJECT = "reject";

    private Checks() {}

    /**
     * @param accepted whether the real program accepted the input (exit 0, started, applied...)
     * @param detail what it said (kept short in the summary; whole in the assertion message)
     */
    public static void judged(String check, String program, String version, String stack, String input, String expect,
                              boolean accepted, String detail) {
        String failure = judge(check, program, version, stack, input, expect, accepted, detail);
        if (failure != null) throw new AssertionError(failure);
    }

    /** Records the verdict and returns the failure message, or null when it was the expected one. */
    public static String judge(String check, String program, String version, String stack, String input, String expect,
                               boolean accepted, String detail) {
        boolean pass = expect.equals(ACCEPT) == accepted;
        Summary.record(new Summary.Entry(check, program, version, stack, input, expect, pass ? "pass" : "fail",
                brief(detail)));
        return pass ? null : check + " on " + input + " (stack " + stack + "): " + program + " " + version
                + (accepted ? " ACCEPTED a negative control, so this check cannot fail" : " refused it") + "\n" + detail;
    }

    /** A check that cannot run on this machine: recorded with the reason, never as passed. */
    public static void notRun(String check, String program, String version, String stack, String input, String why) {
        Summary.record(new Summary.Entry(check, program, version, stack, input, ACCEPT, "not-run", why));
    }

    static String brief(String detail) {
        String d = detail == null ? "" : detail.strip().replaceAll("\\s+", " ");
        return d.length() <= 400 ? d : d.substring(0, 397) + "...";
    }
}
