package io.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code syslog=true}'s appender against a stand-in journal: an epoll unix datagram socket bound on a temporary path
 * that parses each datagram in the journal's native protocol. Logs from the JUnit thread through a Logback context
 * of the test's own (the daemon's stays untouched); the stand-in copies each datagram and releases it on its loop.
 */
class JournalAppenderTest {
    @TempDir
    Path dir;

    private EventLoopGroup group;
    private Channel journal;
    private final BlockingQueue<Map<String, String>> entries = new LinkedBlockingQueue<>();
    private final LoggerContext ctx = new LoggerContext();

    @BeforeEach
    void bindJournal() {
        if (group == null) {
            group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        }
        // Datagram channels read 2 KiB by default and would cut a long entry; journald reads whole datagrams.
        journal = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(256 * 1024))
                .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext c, DomainDatagramPacket p) {
                        entries.add(parse(p.content()));
                    }
                }).bind(new DomainSocketAddress(dir.resolve("journal.sock").toFile())).syncUninterruptibly().channel();
    }

    @AfterEach
    void close() {
        ctx.stop();
        journal.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** The fields of one native-protocol entry; fails on a malformed one. */
    static Map<String, String> parse(ByteBuf b) {
        Map<String, String> fields = new LinkedHashMap<>();
        while (b.isReadable()) {
            int nl = b.indexOf(b.readerIndex(), b.writerIndex(), (byte) '\n');
            assertThat(nl).as("entry ends with a newline").isGreaterThanOrEqualTo(0);
            int eq = b.indexOf(b.readerIndex(), nl, (byte) '=');
            if (eq >= 0) {
                String name = b.readCharSequence(eq - b.readerIndex(), StandardCharsets.US_ASCII).toString();
                b.skipBytes(1);
                fields.put(name, b.readCharSequence(nl - b.readerIndex(), StandardCharsets.UTF_8).toString());
            } else {
                String name = b.readCharSequence(nl - b.readerIndex(), StandardCharsets.US_ASCII).toString();
                b.skipBytes(1);
                long n = b.readLongLE();
                fields.put(name, b.readCharSequence((int) n, StandardCharsets.UTF_8).toString());
                assertThat(b.readByte()).as("length-prefixed value ends with a newline").isEqualTo((byte) '\n');
                continue;
            }
            b.skipBytes(1);
        }
        return fields;
    }

    private Logger logger(JournalAppender appender) {
        appender.setContext(ctx);
        appender.start();
        Logger log = ctx.getLogger("io.gatehouse.test.Journal");
        log.setLevel(Level.TRACE);
        log.addAppender(appender);
        return log;
    }

    private Map<String, String> next() throws InterruptedException {
        Map<String, String> e = entries.poll(10, TimeUnit.SECONDS);
        assertThat(e).as("an entry reached the journal").isNotNull();
        return e;
    }

    @Test
    void eachEventIsOneEntryWithItsFieldsAndMaxScalesPriorities() throws Exception {
        JournalAppender appender = new JournalAppender(dir.resolve("journal.sock"));
        Logger log = logger(appender);
        assertThat(appender.unavailable()).isNull();
        log.error("an error {}", 1);
        log.warn("a warning");
        log.info("a notice");
        log.debug("an info");
        log.trace("a debug message");
        log.error("the last one");

        Map<String, String> error = next();
        assertThat(error).containsEntry("MESSAGE", "an error 1").containsEntry("PRIORITY", "3")
                .containsEntry("SYSLOG_IDENTIFIER", "gatehouse")
                .containsEntry("SYSLOG_PID", Long.toString(ProcessHandle.current().pid()))
                .containsEntry("LOGGER_NAME", "io.gatehouse.test.Journal")
                .containsEntry("THREAD_NAME", Thread.currentThread().getName())
                .doesNotContainKey("CODE_FUNC");
        assertThat(next()).containsEntry("MESSAGE", "a warning").containsEntry("PRIORITY", "4");
        assertThat(next()).containsEntry("MESSAGE", "a notice").containsEntry("PRIORITY", "5");
        assertThat(next()).containsEntry("MESSAGE", "an info").containsEntry("PRIORITY", "6");
        // As MaxScale, debug messages (Gatehouse's TRACE) stay out of the journal.
        assertThat(next()).as("the trace line was left out").containsEntry("MESSAGE", "the last one");
        assertThat(JournalAppender.priority(Level.TRACE)).isEqualTo(7);
        assertThat(appender.dropped()).isZero();
    }

    @Test
    void aMultiLineMessageUsesTheLengthPrefixedForm() throws Exception {
        Logger log = logger(new JournalAppender(dir.resolve("journal.sock")));
        log.warn("first line\nsecond line\n  third = 3");
        assertThat(next()).containsEntry("MESSAGE", "first line\nsecond line\n  third = 3")
                .containsEntry("PRIORITY", "4");
        log.error("with a stack", new IllegalStateException("boom"));
        assertThat(next().get("MESSAGE")).startsWith("with a stack\n")
                .contains("java.lang.IllegalStateException: boom").contains("JournalAppenderTest");
    }

    @Test
    void augmentationAddsTheCodeFieldsAndAHugeMessageIsCut() throws Exception {
        JournalAppender appender = new JournalAppender(dir.resolve("journal.sock"));
        appender.setCodeFields(true);
        Logger log = logger(appender);
        log.warn("located");
        Map<String, String> e = next();
        assertThat(e).containsEntry("CODE_FILE", "JournalAppenderTest.java")
                .containsEntry("CODE_FUNC", JournalAppenderTest.class.getName()
                        + ".augmentationAddsTheCodeFieldsAndAHugeMessageIsCut");
        assertThat(Integer.parseInt(e.get("CODE_LINE"))).isPositive();
        log.warn("é".repeat(100_000));
        String cut = next().get("MESSAGE");
        assertThat(cut.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(JournalAppender.MAX_MESSAGE)
                .isGreaterThan(JournalAppender.MAX_MESSAGE - 2);
        assertThat(cut).matches("é+");
    }

    @Test
    void theLastEntriesBeforeStopReachTheJournal() throws Exception {
        JournalAppender appender = new JournalAppender(dir.resolve("journal.sock"));
        Logger log = logger(appender);
        log.info("shutting down");
        log.info("stopped");
        appender.stop();
        assertThat(next()).containsEntry("MESSAGE", "shutting down");
        assertThat(next()).containsEntry("MESSAGE", "stopped");
        log.info("after stop");
        assertThat(entries.poll(300, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void stopWaitsForABurstTheJournalHasNotReadYet() throws Exception {
        JournalAppender appender = new JournalAppender(dir.resolve("journal.sock"));
        Logger log = logger(appender);
        // A journal that reads nothing for a while: more than its queue of unread datagrams (10 by default) waits.
        journal.config().setAutoRead(false);
        Thread.sleep(100);
        for (int i = 0; i < 40; i++) {
            log.info("burst {}", i);
        }
        journal.eventLoop().schedule(() -> journal.config().setAutoRead(true), 300, TimeUnit.MILLISECONDS);
        appender.stop();
        for (int i = 0; i < 40; i++) {
            assertThat(next()).containsEntry("MESSAGE", "burst " + i);
        }
        assertThat(appender.dropped()).isZero();
    }

    @Test
    void withoutTheSocketEntriesAreDroppedAndTheReasonIsKnown() throws Exception {
        JournalAppender appender = new JournalAppender(dir.resolve("no-journal.sock"));
        Logger log = logger(appender);
        assertThat(appender.unavailable()).contains("no-journal.sock").contains("does not exist");
        log.error("nowhere");
        log.warn("still nowhere");
        assertThat(entries.poll(300, TimeUnit.MILLISECONDS)).isNull();
        appender.stop();
    }

    @Test
    void aJournalThatGoesAwayCostsTheCallerNothingAndARestartedOneIsFoundAgain() throws Exception {
        JournalAppender appender = new JournalAppender(dir.resolve("journal.sock"));
        Logger log = logger(appender);
        log.warn("before");
        assertThat(next()).containsEntry("MESSAGE", "before");
        journal.close().syncUninterruptibly();
        java.nio.file.Files.delete(dir.resolve("journal.sock"));
        for (int i = 0; i < 50; i++) {
            log.warn("into the void {}", i);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (appender.dropped() < 50 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(appender.dropped()).isGreaterThanOrEqualTo(50);
        assertThat(entries).isEmpty();

        bindJournal();
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Map<String, String> back = null;
        for (int i = 0; back == null && System.nanoTime() < deadline; i++) {
            log.warn("again {}", i);
            back = entries.poll(100, TimeUnit.MILLISECONDS);
        }
        assertThat(back).as("the restarted journal gets entries").isNotNull();
        assertThat(back.get("MESSAGE")).startsWith("again ");
        appender.stop();
    }
}
