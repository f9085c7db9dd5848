package io.gatehouse.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/maxscale/logs/stream} as MaxScale's: a WebSocket on which each new log entry arrives as one JSON
 * message ({@code id}, {@code timestamp}, {@code priority}, {@code message}); {@code priority} keeps some levels,
 * {@code page[cursor]} starts after a known entry, a plain GET gets 426 and no credentials 401. Real cluster; the
 * JUnit thread and the JDK's WebSocket client; no Netty buffers here.
 */
@ExtendWith(MariaDbExtension.class)
class AdminLogStreamTest {
    private static final Logger TEST_LOG = LoggerFactory.getLogger("io.gatehouse.test.stream");
    private static AdminFixture gh;

    @BeforeAll
    static void start(MariaDbCluster cluster) throws Exception {
        gh = AdminFixture.start(cluster);
    }

    @AfterAll
    static void stop() {
        if (gh != null) {
            gh.close();
        }
    }

    /** The text messages a stream delivers, one per entry. */
    private static final class Messages implements WebSocket.Listener {
        final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                received.add(AdminFixture.parse(partial.toString()));
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        /** The first message whose text is {@code message}, waiting up to 10 s; null when none came. */
        JsonNode awaitMessage(String message) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                JsonNode m = received.poll(100, TimeUnit.MILLISECONDS);
                if (m != null && m.path("message").asText().equals(message)) {
                    return m;
                }
            }
            return null;
        }
    }

    private static WebSocket open(String query, Messages listener) throws Exception {
        String basic = Base64.getEncoder().encodeToString("admin:mariadb".getBytes(StandardCharsets.UTF_8));
        return HttpClient.newHttpClient().newWebSocketBuilder().header("Authorization", "Basic " + basic)
                .connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create(gh.url("/v1/maxscale/logs/stream" + query).replace("http://", "ws://")), listener)
                .get(10, TimeUnit.SECONDS);
    }

    @Test
    void newEntriesArriveAsJsonMessages() throws Exception {
        Messages all = new Messages();
        WebSocket ws = open("", all);
        try {
            TEST_LOG.warn("stream marker {}", 1);
            JsonNode m = all.awaitMessage("stream marker 1");
            assertThat(m).as("the entry logged after the stream opened").isNotNull();
            assertThat(m.path("priority").asText()).isEqualTo("warning");
            assertThat(m.path("id").asText()).matches("\\d+");
            assertThat(m.path("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d");
        } finally {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void priorityKeepsOnlyThoseLevels() throws Exception {
        Messages errors = new Messages();
        WebSocket ws = open("?priority=error", errors);
        try {
            TEST_LOG.warn("stream warning {}", 2);
            TEST_LOG.error("stream error {}", 2);
            assertThat(errors.awaitMessage("stream error 2")).isNotNull();
            assertThat(errors.received).noneSatisfy(m -> assertThat(m.path("priority").asText()).isNotEqualTo("error"));
        } finally {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aCursorStartsAfterAKnownEntry() throws Exception {
        TEST_LOG.warn("before the cursor {}", 3);
        long newest = gh.get("/v1/maxscale/logs/data?page%5Bsize%5D=1").at("/data/attributes/log/0/id").asLong();
        TEST_LOG.warn("after the cursor {}", 3);
        Messages from = new Messages();
        WebSocket ws = open("?page%5Bcursor%5D=" + newest, from);
        try {
            assertThat(from.awaitMessage("after the cursor 3")).as("logged before the stream opened, after the cursor")
                    .isNotNull();
        } finally {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aPlainGetIsToldToUpgradeAndStrangersAreRefused() {
        assertThat(gh.send("GET", "/v1/maxscale/logs/stream", null).statusCode()).isEqualTo(426);
        assertThat(gh.send("GET", "/v1/maxscale/logs/stream", null, null, null).statusCode()).isEqualTo(401);
        CompletableFuture<WebSocket> stranger = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(gh.url("/v1/maxscale/logs/stream").replace("http://", "ws://")), new Messages());
        assertThat(stranger).failsWithin(Duration.ofSeconds(10));
    }
}
