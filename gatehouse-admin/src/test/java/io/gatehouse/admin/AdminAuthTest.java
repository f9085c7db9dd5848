package io.gatehouse.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Admin authentication and roles: missing or wrong credentials get 401 with a Basic challenge, a read-only
 * ({@code basic}) user may read but gets 403 on writes, users are stored hashed in the data directory and survive
 * a restart of the admin server, a changed password replaces the old one, and JWTs from {@code /v1/auth} work as
 * bearer tokens until tampered with, but cannot obtain new tokens (only the password can). Real HTTP on loopback; JUnit thread.
 */
@ExtendWith(MariaDbExtension.class)
class AdminAuthTest {
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

    @Test
    void missingOrWrongCredentialsAre401() {
        HttpResponse<String> none = gh.send("GET", "/v1/servers", null, null, null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
        assertThat(gh.send("GET", "/v1/servers", null, "admin", "wrong").statusCode()).isEqualTo(401);
        assertThat(gh.send("GET", "/v1/servers", null, "nobody", "mariadb").statusCode()).isEqualTo(401);
        assertThat(gh.send("PUT", "/v1/monitors/MariaDB-Monitor/stop", null, null, null).statusCode()).isEqualTo(401);
        assertThat(gh.runtime.isMonitorRunning("MariaDB-Monitor")).isTrue();
    }

    @Test
    void failedLoginsAreLoggedUnlessAdminLogAuthFailuresIsOff() throws Exception {
        var log = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        log.start();
        var logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                "io.gatehouse.admin.http.AdminHandler");
        logger.addAppender(log);
        try {
            assertThat(gh.send("GET", "/v1/servers", null, "intruder1", "x").statusCode()).isEqualTo(401);
            String off = "{\"data\":{\"attributes\":{\"parameters\":{\"admin_log_auth_failures\":false}}}}";
            assertThat(gh.send("PATCH", "/v1/maxscale", off).statusCode()).isEqualTo(204);
            assertThat(gh.send("GET", "/v1/servers", null, "intruder2", "x").statusCode()).isEqualTo(401);
            assertThat(gh.send("PATCH", "/v1/maxscale", off.replace("false", "true")).statusCode()).isEqualTo(204);
            assertThat(log.list).extracting(e -> e.getFormattedMessage())
                    .anyMatch(m -> m.contains("'intruder1'"))
                    .noneMatch(m -> m.contains("'intruder2'"));
        } finally {
            logger.detachAppender(log);
        }
    }

    @Test
    void readOnlyUserReadsButCannotWrite() throws Exception {
        String body = "{\"data\":{\"id\":\"watcher\",\"type\":\"inet\",\"attributes\":{\"password\":\"w-pass\",\"account\":\"basic\"}}}";
        assertThat(gh.send("POST", "/v1/users/inet", body).statusCode()).isEqualTo(204);
        assertThat(gh.send("GET", "/v1/servers", null, "watcher", "w-pass").statusCode()).isEqualTo(200);
        String primary = gh.cluster.primary().name();
        HttpResponse<String> put = gh.send("PUT", "/v1/servers/" + primary + "/set?state=maintenance", null, "watcher", "w-pass");
        assertThat(put.statusCode()).isEqualTo(403);
        assertThat(gh.get("/v1/servers/" + primary).at("/data/attributes/state").asText()).doesNotContain("Maintenance");
        assertThat(gh.send("POST", "/v1/users/inet", body.replace("watcher", "other"), "watcher", "w-pass").statusCode())
                .isEqualTo(403);
        String stored = Files.readString(gh.dir.resolve("passwd"));
        assertThat(stored).contains("watcher").doesNotContain("w-pass").doesNotContain("\"mariadb\"");
        assertThat(gh.get("/v1/users/inet/watcher").at("/data/attributes/account").asText()).isEqualTo("basic");
        assertThat(gh.send("DELETE", "/v1/users/inet/watcher", null).statusCode()).isEqualTo(204);
        assertThat(gh.send("GET", "/v1/servers", null, "watcher", "w-pass").statusCode()).isEqualTo(401);
    }

    @Test
    void changedPasswordReplacesTheOldOneAndPersists() throws Exception {
        String add = "{\"data\":{\"id\":\"ops\",\"type\":\"inet\",\"attributes\":{\"password\":\"one\",\"account\":\"admin\"}}}";
        assertThat(gh.send("POST", "/v1/users/inet", add).statusCode()).isEqualTo(204);
        assertThat(gh.send("POST", "/v1/users/inet", add).statusCode()).isEqualTo(400);
        String change = "{\"data\":{\"attributes\":{\"password\":\"two\"}}}";
        assertThat(gh.send("PATCH", "/v1/users/inet/ops", change, "ops", "one").statusCode()).isEqualTo(204);
        assertThat(gh.send("GET", "/v1/maxscale", null, "ops", "one").statusCode()).isEqualTo(401);
        assertThat(gh.send("GET", "/v1/maxscale", null, "ops", "two").statusCode()).isEqualTo(200);
        var reloaded = new io.gatehouse.admin.auth.AdminUsers(gh.dir);
        assertThat(reloaded.authenticate("ops", "two", true)).isNotNull();
        assertThat(reloaded.authenticate("ops", "one", true)).isNull();
        assertThat(gh.send("DELETE", "/v1/users/inet/ops", null).statusCode()).isEqualTo(204);
    }

    @Test
    void defaultPasswordIsRefusedFromOtherHosts() {
        var users = new io.gatehouse.admin.auth.AdminUsers(gh.dir);
        assertThat(users.authenticate("admin", "mariadb", true)).isNotNull();
        assertThat(users.authenticate("admin", "mariadb", false)).isNull();
    }

    @Test
    void tokensFromAuthWorkAsBearerUntilTamperedWith() throws Exception {
        HttpResponse<String> auth = gh.send("GET", "/v1/auth", null);
        assertThat(auth.statusCode()).isEqualTo(200);
        String token = AdminFixture.parse(auth.body()).at("/meta/token").asText();
        assertThat(token.split("\\.")).hasSize(3);
        assertThat(bearer(token).statusCode()).isEqualTo(200);
        String tampered = token.substring(0, token.length() - 2) + (token.endsWith("AA") ? "BB" : "AA");
        assertThat(bearer(tampered).statusCode()).isEqualTo(401);
        assertThat(gh.send("GET", "/v1/auth", null, null, null).statusCode()).isEqualTo(401);
    }

    @Test
    void aTokenCannotMintAnotherToken() throws Exception {
        String token = AdminFixture.parse(gh.send("GET", "/v1/auth", null).body()).at("/meta/token").asText();
        HttpResponse<String> again = bearer(token, "/v1/auth");
        assertThat(again.statusCode()).as("GET /v1/auth with a bearer token: %s", again.body()).isEqualTo(401);
        assertThat(again.body()).doesNotContain("\"token\"");
        // The token itself still works for everything else.
        assertThat(bearer(token).statusCode()).isEqualTo(200);
    }

    @Test
    void persistedTokensLiveInAnHttpOnlyCookieAndAuthenticateWithoutAHeader() {
        HttpResponse<String> auth = gh.send("GET", "/v1/auth?persist=yes&max-age=600", null);
        assertThat(auth.statusCode()).isEqualTo(204);
        assertThat(auth.body()).doesNotContain("token");
        java.util.List<String> cookies = auth.headers().allValues("Set-Cookie");
        assertThat(cookies).hasSize(1);
        String sig = cookies.get(0);
        assertThat(sig).startsWith("token_sig=").contains("HttpOnly").contains("Max-Age=600")
                .contains("SameSite=Strict");
        String pair = sig.substring(0, sig.indexOf(';'));
        String token = pair.substring("token_sig=".length());
        assertThat(token.split("\\.")).hasSize(3);

        // The browser sends it back: that is a login; a changed signature, or no cookie, is not.
        assertThat(cookie(pair).statusCode()).isEqualTo(200);
        String forged = pair.substring(0, pair.length() - 2) + (pair.endsWith("AA") ? "BB" : "AA");
        assertThat(cookie(forged).statusCode()).isEqualTo(401);
        assertThat(cookie("other=1").statusCode()).isEqualTo(401);
        // Older MaxScale GUIs split the token into token_body (header and claims) and token_sig (the signature).
        int dot = token.lastIndexOf('.');
        assertThat(cookie("token_body=" + token.substring(0, dot) + "; token_sig=" + token.substring(dot + 1))
                .statusCode()).isEqualTo(200);
        // Without max-age the cookie lasts the browser session.
        assertThat(gh.send("GET", "/v1/auth?persist=yes", null).headers().firstValue("Set-Cookie").orElseThrow())
                .doesNotContain("Max-Age");
    }

    private static HttpResponse<String> cookie(String header) {
        return gh.send("GET", "/v1/servers", null, null, null, java.util.Map.of("Cookie", header));
    }

    private static HttpResponse<String> bearer(String token) throws Exception {
        return bearer(token, "/v1/servers");
    }

    private static HttpResponse<String> bearer(String token, String path) throws Exception {
        return gh.http.send(HttpRequest.newBuilder(URI.create(gh.url(path))).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthNeedsNoCredentialsButMetricsDo() {
        assertThat(gh.send("GET", "/health/live", null, null, null).statusCode()).isEqualTo(200);
        assertThat(gh.send("GET", "/metrics", null, null, null).statusCode()).isEqualTo(401);
        assertThat(gh.send("GET", "/metrics", null).statusCode()).isEqualTo(200);
    }
}
