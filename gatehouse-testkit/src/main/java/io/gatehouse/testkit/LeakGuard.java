package io.gatehouse.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JUnit extension, registered for every test class through JUnit's extension auto-detection, that fails a test
 * class when Netty reported a leaked buffer (or other tracked resource) while it ran; its callbacks run on JUnit's
 * thread, the leak records are filled by whichever thread allocates next, and the buffers it allocates itself are
 * released before it returns.
 *
 * <p>Netty only notices a leak when a garbage-collected tracked object is dequeued during a later allocation, and
 * normally just logs it. This class installs, before any buffer class is initialised, a detector factory whose
 * detectors also keep every report, then after each test class forces the garbage collection and allocations that
 * make pending leaks surface. Tests run with {@code -Dio.netty.leakDetectionLevel=paranoid}, so every buffer is
 * tracked.
 */
public final class LeakGuard implements AfterAllCallback {
    private static final Logger LOG = LoggerFactory.getLogger(LeakGuard.class);
    private static final List<String> LEAKS = new ArrayList<>();
    private static volatile boolean byteBufDetectorInstalled;

    static {
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
        // Initialising the buffer classes now binds their detector to the factory above; if some earlier code had
        // already initialised them, the flag stays false and the guard says it is blind.
        Unpooled.buffer(1).release();
        if (!byteBufDetectorInstalled) {
            LOG.warn("LeakGuard was installed after Netty's buffer classes were initialised; leaks of ByteBuf will"
                    + " only be logged, not fail tests");
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        List<String> leaks = detectLeaks();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " Netty resource leak(s) reported while running "
                    + context.getDisplayName() + ":\n" + String.join("\n\n", leaks));
        }
    }

    /**
     * Makes pending leaks surface, then returns and forgets every leak reported since the last call. Callable
     * directly, e.g. by a test that leaks on purpose and asserts the report.
     */
    public static List<String> detectLeaks() {
        for (int round = 0; round < 4; round++) {
            System.gc();
            sleep(round == 0 ? 20 : 50);
            // Detectors poll their reference queue when they track a new object, so allocations drain the queue.
            for (int i = 0; i < 8; i++) {
                PooledByteBufAllocator.DEFAULT.buffer(64).release();
                PooledByteBufAllocator.DEFAULT.directBuffer(64).release();
                UnpooledByteBufAllocator.DEFAULT.heapBuffer(64).release();
                UnpooledByteBufAllocator.DEFAULT.directBuffer(64).release();
            }
        }
        synchronized (LEAKS) {
            List<String> reported = List.copyOf(LEAKS);
            LEAKS.clear();
            return reported;
        }
    }

    /** Whether the guard's detectors are the ones Netty's buffers use; false means leaks are only logged. */
    public static boolean isActive() {
        return byteBufDetectorInstalled;
    }

    private static void record(String leak) {
        synchronized (LEAKS) {
            LEAKS.add(leak);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Creates {@link RecordingDetector}s; Netty calls it from whichever thread first initialises a tracked class. */
    private static final class RecordingFactory extends ResourceLeakDetectorFactory {
        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                                                                   long maxActive) {
            if (resource == ByteBuf.class) {
                byteBufDetectorInstalled = true;
            }
            return new RecordingDetector<>(resource, samplingInterval);
        }
    }

    /** A Netty leak detector that keeps each report as well as logging it; runs on allocating threads. */
    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
        RecordingDetector(Class<T> resource, int samplingInterval) {
            super(resource, samplingInterval);
        }

        @Override
        protected boolean needReport() {
            // The default reports only when error logging is on; a leak must fail the test regardless.
            return true;
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            record("LEAK: " + resourceType + ".release() was not called before it was garbage-collected." + records);
            super.reportTracedLeak(resourceType, records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            record("LEAK: " + resourceType + ".release() was not called before it was garbage-collected"
                    + " (no access records; run with -Dio.netty.leakDetectionLevel=paranoid).");
            super.reportUntracedLeak(resourceType);
        }
    }
}
