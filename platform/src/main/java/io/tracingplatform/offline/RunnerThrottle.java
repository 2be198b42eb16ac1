package io.tracingplatform.offline;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Calms the Pulumi Java SDK's task loop (1.36.1, {@code DeploymentImpl.DefaultRunner}). Until the program is done,
 * that loop re-submits itself to the common pool without pause, and every turn formats the whole in-flight task
 * map for a FINEST log message ({@code String.format("Remaining tasks [%s]: %s", ...)}, built even though the level
 * is off). With hundreds of resources in flight that is most of a run's CPU (profiled with JFR: about half of
 * all samples on {@code prod} with 100 tenants), taken from the threads doing the work, on a 2-core machine
 * half the machine.
 *
 * <p>The SDK offers no hook into the loop, but the message goes through its java.util.logging logger: with the
 * level opened to FINEST and this filter on it, the loop's turn parks for {@link #PAUSE_MICROS} and every FINEST
 * or FINE record is dropped, so nothing new is printed and records of INFO and above pass as before. A pause
 * delays only the noticing of the last finished task, by at most that much. If a later SDK words the message
 * differently, the filter still drops the records and the pause simply stops happening (the bench shows it).
 */
final class RunnerThrottle implements Filter {
    static final String LOOP_MESSAGE = "Remaining tasks [";
    static final long PAUSE_MICROS = 500;
    /** Pauses taken, for the test that notices when an SDK upgrade stops the loop's message (and so the pauses). */
    static final java.util.concurrent.atomic.AtomicLong PAUSES = new java.util.concurrent.atomic.AtomicLong();

    private final Logger logger;
    private final Level level;
    private final Filter filter;

    private RunnerThrottle(Logger logger) {
        this.logger = logger;
        this.level = logger.getLevel();
        this.filter = logger.getFilter();
    }

    /** Installs the throttle on {@code logger} (the runner's, set up by PulumiTest); {@link #close()} undoes it. */
    static RunnerThrottle install(Logger logger) {
        var throttle = new RunnerThrottle(logger);
        logger.setFilter(throttle);
        logger.setLevel(Level.FINEST);
        return throttle;
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        if (record.getLevel().intValue() >= Level.INFO.intValue()) return filter == null || filter.isLoggable(record);
        String message = record.getMessage();
        if (message != null && message.startsWith(LOOP_MESSAGE)) {
            PAUSES.incrementAndGet();
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(PAUSE_MICROS));
        }
        return false;
    }

    void close() {
        logger.setFilter(filter);
        logger.setLevel(level);
    }
}
