package io.gatehouse.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.lang.reflect.Proxy;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;

class LeakGuardTest {
    private ResourceLeakDetector.Level levelBefore;

    @BeforeEach
    void trackEveryBuffer() {
        // Surefire already runs with paranoid; this makes the test meaningful from an IDE too.
        levelBefore = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        LeakGuard.detectLeaks(); // start from a clean slate
    }

    @AfterEach
    void restoreLevel() {
        ResourceLeakDetector.setLevel(levelBefore);
    }

    @Test
    void guardIsInstalledBeforeNettyBuffersAndCatchesALeakedBuffer() {
        assertThat(LeakGuard.isActive()).isTrue();

        leakOneBuffer();
        List<String> leaks = LeakGuard.detectLeaks();

        assertThat(leaks).anySatisfy(leak -> assertThat(leak)
                .contains("ByteBuf.release() was not called")
                .contains("leakOneBuffer"));
        // detectLeaks() forgot what it returned, so this class's own afterAll check passes.
        assertThat(LeakGuard.detectLeaks()).isEmpty();
    }

    @Test
    void afterAllFailsTheTestClassWithTheLeakRecords() {
        leakAnotherBuffer();

        assertThatThrownBy(() -> new LeakGuard().afterAll(contextNamed("SomeLeakyTest")))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("leak(s) reported while running SomeLeakyTest")
                .hasMessageContaining("leakAnotherBuffer");
        assertThat(LeakGuard.detectLeaks()).isEmpty();
    }

    @Test
    void releasedBuffersAreNotReported() throws Exception {
        for (int i = 0; i < 100; i++) {
            ByteBuf buf = PooledByteBufAllocator.DEFAULT.buffer(128);
            buf.writeLong(i);
            buf.release();
        }
        new LeakGuard().afterAll(contextNamed("CleanTest"));
    }

    private static void leakOneBuffer() {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(256);
        buf.writeInt(42); // an access record pointing at this method
    }

    private static void leakAnotherBuffer() {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.heapBuffer(256);
        buf.writeInt(7);
    }

    /** A context that only answers what LeakGuard asks: its display name. */
    private static ExtensionContext contextNamed(String name) {
        return (ExtensionContext) Proxy.newProxyInstance(LeakGuardTest.class.getClassLoader(),
                new Class<?>[] {ExtensionContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getDisplayName")) {
                        return name;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
