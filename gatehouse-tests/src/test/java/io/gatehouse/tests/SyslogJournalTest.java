package io.gatehouse.tests;

import static io.gatehouse.tests.DaemonTestSupport.freePort;
import static io.gatehouse.tests.DaemonTestSupport.lineOf;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.cli.Gatectl;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
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
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code syslog=true} on a daemon started from the built distribution: its lines reach the systemd journal's
 * native socket, here a stand-in (an epoll unix datagram socket on a temporary path named to the daemon with
 * {@code -Dgatehouse.journal.socket}), from the first line at start; {@code gatectl alter maxscale syslog false} stops
 * them while the log file goes on, {@code true} brings them back. JUnit thread; the stand-in's event loop copies each
 * datagram's fields and releases it.
 */
@ExtendWith(MariaDbExtension.class)
class SyslogJournalTest {
    private static final Path DIST = Path.of("..", "gatehouse-server", "target", "gatehouse-0.1.0-SNAPSHOT",
            "gatehouse-0.1.0-SNAPSHOT").toAbsolutePath().normalize();
    private final List<Map<String, String>> entries = new CopyOnWriteArrayList<>();
    private int adminPort;

    @Test
    void theDaemonWritesToTheJournalWhileSyslogIsOn(@TempDir Path dir, MariaDbCluster cluster) throws Exception {
        adminPort = freePort();
        Path socket = dir.resolve("journal.sock");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        Process p = null;
        try {
            Channel journal = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                    .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(256 * 1024))
                    .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext c, DomainDatagramPacket d) {
                            entries.add(parse(d.content()));
                        }
                    }).bind(new DomainSocketAddress(socket.toFile())).syncUninterruptibly().channel();
            Path file = dir.resolve("gatehouse.cnf");
            Files.writeString(file, GatehouseExtension.config(cluster, dir, freePort())
                    .replace("admin_port=0", "admin_port=" + adminPort + "\nsyslog=true"));
            Path out = dir.resolve("out.txt");
            ProcessBuilder pb = new ProcessBuilder(DIST.resolve("bin/gatehouse").toString(), "--foreground", "--config",
                    file.toString()).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().put("GATEHOUSE_JAVA_OPTS", "-Dgatehouse.journal.socket=" + socket);
            p = pb.start();
            Path pid = dir.resolve("gatehouse.pid");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(pid) && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(pid).as(Files.readString(out)).exists();

            Map<String, String> started = entry("started with configuration");
            assertThat(started).containsEntry("PRIORITY", "5").containsEntry("SYSLOG_IDENTIFIER", "gatehouse")
                    .containsEntry("SYSLOG_PID", Long.toString(p.pid()));
            assertThat(started.get("MESSAGE")).startsWith("Gatehouse ").contains(file.toString());
            assertThat(entry(failedLogin("journalline"))).containsEntry("PRIORITY", "4");
            assertThat(gatectl("api", "get", "maxscale", "data.attributes.parameters.syslog").strip())
                    .isEqualTo("true");

            gatectl("alter", "maxscale", "syslog", "false");
            Path log = dir.resolve("log").resolve("gatehouse.log");
            String off = failedLogin("journaloffline");
            lineOf(log, off);
            // The warning is written before the admin API answers, so the journal would have had it by now.
            Thread.sleep(300);
            assertThat(entries).as("syslog=false sends nothing").noneMatch(e -> e.get("MESSAGE").contains(off));

            gatectl("alter", "maxscale", "syslog", "true");
            assertThat(entry(failedLogin("journalbackline"))).containsEntry("PRIORITY", "4");
            assertThat(Files.readString(dir.resolve("maxscale.cnf"))).contains("syslog=true");

            p.toHandle().destroy();
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
            assertThat(Files.readString(log)).contains("Gatehouse stopped");
            assertThat(entry("Gatehouse stopped")).as(Files.readString(log)).containsEntry("PRIORITY", "5");
            journal.close().syncUninterruptibly();
        } finally {
            if (p != null) {
                p.destroyForcibly();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Waits for the journal entry whose MESSAGE contains {@code text}. */
    private Map<String, String> entry(String text) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            var e = entries.stream().filter(m -> m.getOrDefault("MESSAGE", "").contains(text)).findFirst();
            if (e.isPresent()) {
                return e.get();
            }
            assertThat(System.nanoTime() < deadline).as("a journal entry with %s in %s", text,
                    entries.stream().map(m -> m.get("MESSAGE")).toList()).isTrue();
            Thread.sleep(50);
        }
    }

    /** The fields of one entry of the journal's native protocol (KEY=value lines or length-prefixed values). */
    private static Map<String, String> parse(ByteBuf b) {
        Map<String, String> fields = new HashMap<>();
        while (b.isReadable()) {
            int nl = b.indexOf(b.readerIndex(), b.writerIndex(), (byte) '\n');
            int eq = nl < 0 ? -1 : b.indexOf(b.readerIndex(), nl, (byte) '=');
            if (nl < 0) {
                fields.put("MALFORMED", "no newline");
                return fields;
            }
            if (eq >= 0) {
                String name = b.readCharSequence(eq - b.readerIndex(), StandardCharsets.US_ASCII).toString();
                b.skipBytes(1);
                fields.put(name, b.readCharSequence(nl - b.readerIndex(), StandardCharsets.UTF_8).toString());
            } else {
                String name = b.readCharSequence(nl - b.readerIndex(), StandardCharsets.US_ASCII).toString();
                b.skipBytes(1);
                int n = (int) b.readLongLE();
                fields.put(name, b.readCharSequence(n, StandardCharsets.UTF_8).toString());
            }
            b.skipBytes(1);
        }
        return fields;
    }

    /** A failed admin login as {@code user}: the daemon logs a warning naming the user; returns that name quoted. */
    private String failedLogin(String user) {
        int rc = Gatectl.run(new String[] {"--timeout", "30000", "--hosts", "127.0.0.1:" + adminPort, "-u", user, "-p",
            "wrong", "show", "maxscale"}, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        assertThat(rc).isNotZero();
        return "'" + user + "'";
    }

    private String gatectl(String... args) {
        return DaemonTestSupport.gatectl(adminPort, args);
    }
}
