package io.gatehouse.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import java.net.http.HttpResponse;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Conditional requests as MaxScale's REST API documents them, which scripts use to avoid lost updates: GET answers
 * carry ETag and Last-Modified; If-None-Match / If-Modified-Since give 304 for a current copy; a PATCH with a stale
 * If-Match, or an If-Unmodified-Since older than the last change, gets 412 and changes nothing. Real cluster, JUnit
 * thread; no Netty buffers here.
 */
@ExtendWith(MariaDbExtension.class)
class AdminConditionalRequestsTest {
    private static final String USER = "/v1/users/inet/etaguser";
    private static AdminFixture gh;

    @BeforeAll
    static void start(MariaDbCluster cluster) throws Exception {
        gh = AdminFixture.start(cluster);
        HttpResponse<String> created = gh.send("POST", "/v1/users/inet",
                "{\"data\":{\"id\":\"etaguser\",\"type\":\"inet\",\"attributes\":{\"password\":\"etagpw\",\"account\":\"basic\"}}}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(204);
    }

    @AfterAll
    static void stop() {
        if (gh != null) {
            gh.close();
        }
    }

    private static HttpResponse<String> send(String method, String path, String body, Map<String, String> headers) {
        return gh.send(method, path, body, "admin", "mariadb", headers);
    }

    private static String account(String value) {
        return "{\"data\":{\"attributes\":{\"account\":\"" + value + "\"}}}";
    }

    private static String httpDate(ZonedDateTime t) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(t.withZoneSameInstant(ZoneOffset.UTC));
    }

    @Test
    void aCurrentCopyIsNotSentAgainAndAStaleOneCannotBeWrittenBack() {
        HttpResponse<String> first = send("GET", USER, null, Map.of());
        assertThat(first.statusCode()).isEqualTo(200);
        String etag = first.headers().firstValue("ETag").orElseThrow();
        assertThat(etag).startsWith("\"").endsWith("\"");
        assertThat(first.headers().firstValue("Last-Modified")).isPresent();
        assertThat(first.headers().firstValue("Cache-Control")).hasValue("no-cache");

        HttpResponse<String> again = send("GET", USER, null, Map.of("If-None-Match", etag));
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(send("GET", USER, null, Map.of("If-None-Match", "\"not-it\"")).statusCode()).isEqualTo(200);

        // The first writer, holding the current tag, succeeds; the document (and so its tag) changes.
        assertThat(send("PATCH", USER, account("admin"), Map.of("If-Match", etag)).statusCode()).isEqualTo(204);
        HttpResponse<String> after = send("GET", USER, null, Map.of("If-None-Match", etag));
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(after.headers().firstValue("ETag").orElseThrow()).isNotEqualTo(etag);

        // A second writer still holding the old tag is refused, and nothing changes.
        HttpResponse<String> stale = send("PATCH", USER, account("basic"), Map.of("If-Match", etag));
        assertThat(stale.statusCode()).isEqualTo(412);
        assertThat(stale.body()).contains("If-Match");
        assertThat(gh.get(USER).at("/data/attributes/account").asText()).isEqualTo("admin");
        assertThat(send("PATCH", "/v1/users/inet/nobody", account("basic"), Map.of("If-Match", etag)).statusCode())
                .isEqualTo(412);
        assertThat(send("PATCH", USER, account("admin"), Map.of("If-Match", "*")).statusCode()).isEqualTo(204);
    }

    @Test
    void whatMovesOnItsOwnChangesTheDocumentButDoesNotFailIfMatch() {
        HttpResponse<String> read = send("GET", USER, null, Map.of());
        String etag = read.headers().firstValue("ETag").orElseThrow();
        // The user logs in: its last_login moves, which is not a change made through the API.
        assertThat(gh.send("GET", "/v1/servers", null, "etaguser", "etagpw").statusCode()).isEqualTo(200);
        HttpResponse<String> now = send("GET", USER, null, Map.of("If-None-Match", etag));
        assertThat(now.statusCode()).as("a copy with another last_login is not current").isEqualTo(200);
        assertThat(AdminFixture.parse(now.body()).at("/data/attributes/last_login").isNull()).isFalse();
        String account = AdminFixture.parse(now.body()).at("/data/attributes/account").asText();
        assertThat(send("PATCH", USER, account(account), Map.of("If-Match", etag)).statusCode())
                .as("no change was made through the API since the tag was read").isEqualTo(204);
    }

    @Test
    void datesDecideWhenNoTagIsGiven() {
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        String hourAgo = httpDate(now.minusHours(1));
        String inAnHour = httpDate(now.plusHours(1));
        assertThat(send("GET", USER, null, Map.of("If-Modified-Since", inAnHour)).statusCode()).isEqualTo(304);
        assertThat(send("GET", USER, null, Map.of("If-Modified-Since", hourAgo)).statusCode()).isEqualTo(200);
        // The API has changed things since an hour ago (this Gatehouse started since): the write is refused.
        HttpResponse<String> refused = send("PATCH", USER, account("basic"), Map.of("If-Unmodified-Since", hourAgo));
        assertThat(refused.statusCode()).isEqualTo(412);
        assertThat(refused.body()).contains("If-Unmodified-Since");
        assertThat(send("PATCH", USER, account(gh.get(USER).at("/data/attributes/account").asText()),
                Map.of("If-Unmodified-Since", inAnHour)).statusCode()).isEqualTo(204);
    }
}
