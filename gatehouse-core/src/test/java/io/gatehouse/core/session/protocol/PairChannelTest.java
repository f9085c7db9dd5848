package io.gatehouse.core.session.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.DefaultEventLoop;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The in-process channel pair on a real event loop: bytes flushed on one end are read by the other in order, not
 * while it does not read, and a close reaches the other end after what was sent before it. Test thread and one
 * event loop.
 */
class PairChannelTest {
    private final DefaultEventLoop loop = new DefaultEventLoop();

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Records what its end reads (as text; each buffer released) and whether it went inactive. */
    private static final class Reader extends ChannelInboundHandlerAdapter {
        final List<String> read = new CopyOnWriteArrayList<>();
        volatile boolean inactive;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            read.add(b.toString(StandardCharsets.UTF_8));
            b.release();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            inactive = true;
        }
    }

    private PairChannel[] pair(Reader a, Reader b) throws Exception {
        PairChannel[] p = PairChannel.create(new InetSocketAddress("127.0.0.1", 3306),
                new InetSocketAddress("10.0.0.7", 50000));
        p[0].pipeline().addLast(a);
        p[1].pipeline().addLast(b);
        loop.submit(() -> {
            loop.register(p[0]);
            loop.register(p[1]);
        }).sync();
        return p;
    }

    private static ByteBuf text(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    /**
     * Runs {@code r} on the loop and then every task it led to: deliveries and closes schedule further tasks
     * (a peer's close fires its inactive event from a task of its own), so one empty task after it is not enough.
     */
    private void onLoop(Runnable r) throws Exception {
        loop.submit(r).sync();
        while (loop.submit(loop::pendingTasks).get() > 0) {
            Thread.onSpinWait();
        }
    }

    @Test
    void eachEndReadsWhatTheOtherFlushesInOrderAndSeesItsAddress() throws Exception {
        Reader a = new Reader();
        Reader b = new Reader();
        PairChannel[] p = pair(a, b);
        assertThat(p[0].remoteAddress()).isEqualTo(new InetSocketAddress("10.0.0.7", 50000));
        assertThat(p[1].remoteAddress()).isEqualTo(new InetSocketAddress("127.0.0.1", 3306));
        onLoop(() -> {
            p[0].write(text("one"));
            assertThat(b.read).as("nothing passes before the flush").isEmpty();
            p[0].writeAndFlush(text("two"));
            assertThat(b.read).as("delivered from a task, never inside the writer's call").isEmpty();
            p[1].writeAndFlush(text("back"));
        });
        assertThat(b.read).containsExactly("one", "two");
        assertThat(a.read).containsExactly("back");
        onLoop(() -> p[0].close());
    }

    @Test
    void anEndThatDoesNotReadHoldsTheBytesUntilItReadsAgain() throws Exception {
        Reader a = new Reader();
        Reader b = new Reader();
        PairChannel[] p = pair(a, b);
        onLoop(() -> p[1].config().setAutoRead(false));
        onLoop(() -> p[0].writeAndFlush(text("held")));
        assertThat(b.read).isEmpty();
        onLoop(() -> p[1].config().setAutoRead(true));
        assertThat(b.read).containsExactly("held");
        onLoop(() -> p[1].close());
    }

    @Test
    void aCloseReachesThePeerAfterWhatWasSentBeforeItAndLaterWritesFail() throws Exception {
        Reader a = new Reader();
        Reader b = new Reader();
        PairChannel[] p = pair(a, b);
        onLoop(() -> {
            p[0].writeAndFlush(text("last words"));
            p[0].close();
        });
        assertThat(b.read).containsExactly("last words");
        assertThat(b.inactive).isTrue();
        assertThat(a.inactive).isTrue();
        ByteBuf late = text("too late");
        boolean[] failed = new boolean[1];
        onLoop(() -> p[1].writeAndFlush(late).addListener(f -> failed[0] = !f.isSuccess()));
        assertThat(failed[0]).isTrue();
        assertThat(late.refCnt()).as("a write to a closed pair is released").isZero();
    }

    @Test
    void bytesQueuedForAnEndThatNeverReadsAreReleasedWhenItCloses() throws Exception {
        Reader a = new Reader();
        Reader b = new Reader();
        PairChannel[] p = pair(a, b);
        onLoop(() -> p[1].config().setAutoRead(false));
        ByteBuf unread = text("never read");
        onLoop(() -> p[0].writeAndFlush(unread));
        assertThat(unread.refCnt()).isEqualTo(1);
        onLoop(() -> p[1].close());
        assertThat(unread.refCnt()).isZero();
        assertThat(a.inactive).isTrue();
    }
}
