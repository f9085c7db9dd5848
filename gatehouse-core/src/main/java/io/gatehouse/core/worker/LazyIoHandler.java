package io.gatehouse.core.worker;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.netty.util.concurrent.ThreadAwareExecutor;
import java.util.function.Predicate;

/**
 * An I/O handler that opens the real one (epoll or NIO selector, with its file descriptors) only when its event
 * loop's thread starts: {@code threads_max} workers are built at start, and the ones never activated cost neither a
 * thread nor descriptors. Its methods run on the loop's thread, except {@link #wakeup()} and
 * {@link #isCompatible(Class)}, which any thread may call. Holds no buffers.
 */
final class LazyIoHandler implements IoHandler {
    private final IoHandlerFactory factory;
    private final ThreadAwareExecutor executor;
    private final Predicate<Class<? extends IoHandle>> compatible;
    private volatile IoHandler real;
    /** The loop's counters, for the channels each pass finds ready (the event queue length); loop thread only. */
    private WorkerCounters counters;

    private LazyIoHandler(IoHandlerFactory factory, ThreadAwareExecutor executor,
                          Predicate<Class<? extends IoHandle>> compatible) {
        this.factory = factory;
        this.executor = executor;
        this.compatible = compatible;
    }

    /** A factory of lazy handlers over {@code factory}, whose handles are those {@code compatible} accepts. */
    static IoHandlerFactory over(IoHandlerFactory factory, Predicate<Class<? extends IoHandle>> compatible) {
        return executor -> new LazyIoHandler(factory, executor, compatible);
    }

    @Override
    public void initialize() {
        IoHandler h = factory.newHandler(executor);
        h.initialize();
        counters = WorkerCounters.current();             // initialize() runs on the loop's own thread
        real = h;
    }

    @Override
    public int run(IoHandlerContext context) {
        int ready = real.run(context);
        counters.ioPass(ready);
        return ready;
    }

    @Override
    public void prepareToDestroy() {
        IoHandler h = real;
        if (h != null) {
            h.prepareToDestroy();
        }
    }

    @Override
    public void destroy() {
        IoHandler h = real;
        if (h != null) {
            h.destroy();
        }
    }

    @Override
    public IoRegistration register(IoHandle handle) throws Exception {
        return real.register(handle);
    }

    @Override
    public void wakeup() {
        // Before the thread starts there is nothing to wake: it looks at its task queue before it first waits.
        IoHandler h = real;
        if (h != null) {
            h.wakeup();
        }
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return compatible.test(handleType);
    }
}
