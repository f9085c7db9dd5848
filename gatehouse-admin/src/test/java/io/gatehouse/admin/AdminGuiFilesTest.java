package io.gatehouse.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The web GUI's files on the admin port: the page and the toolkit the build copied from the WebJars are served
 * without credentials (they hold no data), nothing else of the class path is, the API behind them still needs a
 * login, and a script's failed login gets no Basic challenge (which would open the browser's own dialog). Real HTTP
 * on loopback; JUnit thread. The browser itself is driven by GuiBrowserTest in gatehouse-tests.
 */
@ExtendWith(MariaDbExtension.class)
class AdminGuiFilesTest {
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
    void thePageAndItsToolkitAreServedWithoutCredentials() {
        for (String path : new String[] {"/", "/gui/", "/gui/index.html"}) {
            HttpResponse<String> page = gh.send("GET", path, null, null, null);
            assertThat(page.statusCode()).as(path).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
            assertThat(page.body()).contains("/gui/vendor/vue.global.prod.js").contains("/gui/vendor/chart.umd.js");
        }
        HttpResponse<String> vue = gh.send("GET", "/gui/vendor/vue.global.prod.js", null, null, null);
        assertThat(vue.statusCode()).isEqualTo(200);
        assertThat(vue.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(vue.body()).contains("createApp");
        assertThat(gh.send("GET", "/gui/vendor/chart.umd.js", null, null, null).body()).contains("Chart");
        for (String name : new String[] {"api.js", "app.js", "pages.js", "objects.js", "app.css"}) {
            assertThat(gh.send("GET", "/gui/" + name, null, null, null).statusCode()).as(name).isEqualTo(200);
        }
    }

    @Test
    void nothingElseOfTheClassPathIsServed() {
        for (String path : new String[] {"/gui/nosuch.js", "/gui/..%2FAdminServer.class", "/gui/%2e%2e/http/Routes.class",
                "/gui/vendor/LICENSE.txt", "/gui/logback.xml"}) {
            assertThat(gh.send("GET", path, null, null, null).statusCode()).as(path).isEqualTo(404);
        }
        assertThat(gh.send("POST", "/gui/", "{}", null, null).statusCode()).isEqualTo(401);
    }

    @Test
    void aScriptsFailedLoginGetsNoBasicChallenge() throws Exception {
        HttpRequest scripted = HttpRequest.newBuilder(URI.create(gh.url("/v1/auth")))
                .header("X-Requested-With", "gatehouse-gui")
                .header("Authorization", "Basic YWRtaW46d3Jvbmc=").build();
        HttpResponse<String> r = gh.http.send(scripted, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).isEmpty();
        HttpResponse<String> plain = gh.send("GET", "/v1/auth", null, "admin", "wrong");
        assertThat(plain.headers().firstValue("WWW-Authenticate")).isPresent();
        assertThat(gh.send("GET", "/v1/servers", null, null, null).statusCode()).isEqualTo(401);
    }
}
