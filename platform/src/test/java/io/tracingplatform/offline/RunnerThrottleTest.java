package io.tracingplatform.offline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tracingplatform.Plans;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** The pause in the SDK's task loop (see RunnerThrottle): engaged during a plan, invisible in logs, undone after. */
class RunnerThrottleTest {
    @Test
    void aPlanPausesTheSdkLoopAndLeavesTheLoggerAsItWas() {
        long before = RunnerThrottle.PAUSES.get();
        var plan = OfflineEngine.plan(Plans.inputs("dev"));
        assertFalse(plan.resources().isEmpty());
        assertTrue(RunnerThrottle.PAUSES.get() > before,
                "the SDK's loop no longer logs '" + RunnerThrottle.LOOP_MESSAGE + "...': check DeploymentImpl.DefaultRunner "
                        + "of the new SDK and whether the throttle is still needed (platform/README.md, Performance)");
        var logger = Logger.getLogger(com.pulumi.test.internal.PulumiTestInternal.class.getName());
        assertNull(logger.getFilter(), "filter removed after the run");
        assertFalse(logger.isLoggable(Level.FINE), "level restored after the run");
    }

    @Test
    void dropsFineRecordsAndPassesInfoAndAbove() {
        var logger = Logger.getLogger("runner-throttle-test");
        logger.setLevel(Level.INFO);
        var throttle = RunnerThrottle.install(logger);
        try {
            assertFalse(logger.getFilter().isLoggable(new LogRecord(Level.FINEST, "Remaining tasks [3]: {...}")));
            assertFalse(logger.getFilter().isLoggable(new LogRecord(Level.FINE, "Registering task")));
            assertTrue(logger.getFilter().isLoggable(new LogRecord(Level.WARNING, "a warning the SDK prints")));
        } finally {
            throttle.close();
        }
        assertEquals(Level.INFO, logger.getLevel());
    }
}
