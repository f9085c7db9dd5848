package io.gatehouse.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A session's {@code session_trace} ring: it keeps the last lines recorded while its session is marked on this thread,
 * shows them to other threads only once the mark is lifted, nests marks, records nothing while tracing is off or
 * after the session ended. JUnit test thread, which plays the worker.
 */
class SessionLogTest {
    @AfterEach
    void off() {
        SessionLog.configure(0, null);
    }

    @Test
    void keepsTheLastLinesAndPublishesThemWhenTheWorkerIsDone() {
        SessionLog.configure(3, null);
        SessionLog log = new SessionLog(7);
        Object outer = SessionLog.enter(log);
        for (int i = 1; i <= 5; i++) {
            SessionLog.record(SessionLog.settings(), "line " + i);
        }
        assertThat(log.lines()).as("not published while the worker is handling the session").isEmpty();
        SessionLog.exit(outer);
        assertThat(log.lines()).containsExactly("line 3", "line 4", "line 5");
        assertThat(SessionLog.handling()).isFalse();
        SessionLog.record(SessionLog.settings(), "no session marked");
        assertThat(log.lines()).containsExactly("line 3", "line 4", "line 5");
    }

    @Test
    void aNestedMarkGivesBackTheOuterSession() {
        SessionLog.configure(10, Pattern.compile("x"));
        SessionLog a = new SessionLog(1);
        SessionLog b = new SessionLog(2);
        Object outerA = SessionLog.enter(a);
        Object outerB = SessionLog.enter(b);
        SessionLog.record(SessionLog.settings(), "to b");
        SessionLog.exit(outerB);
        SessionLog.record(SessionLog.settings(), "to a");
        SessionLog.exit(outerA);
        assertThat(a.lines()).containsExactly("to a");
        assertThat(b.lines()).containsExactly("to b");
    }

    @Test
    void nothingIsMarkedWhileOffAndNothingIsKeptAfterTheEnd() {
        SessionLog log = new SessionLog(3);
        Object outer = SessionLog.enter(log);
        assertThat(SessionLog.handling()).isFalse();
        SessionLog.exit(outer);
        SessionLog.configure(5, null);
        outer = SessionLog.enter(log);
        SessionLog.record(SessionLog.settings(), "before the end");
        log.end(true);
        SessionLog.record(SessionLog.settings(), "after the end");
        SessionLog.exit(outer);
        assertThat(log.lines()).containsExactly("before the end");
    }
}
