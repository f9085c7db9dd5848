package io.gatehouse.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * MaxScale's common query parameters and method override, which maxctrl and scripts use: {@code filter} keeps the
 * matching rows of a collection, {@code fields[TYPE]} keeps the named attributes, {@code page[size]} and
 * {@code page[number]} page a collection with a next link, and {@code X-HTTP-Method-Override} lets a PUT act as
 * another method. Real cluster (three servers), JUnit thread; no Netty buffers here.
 */
@ExtendWith(MariaDbExtension.class)
class AdminQueryParametersTest {
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

    /** The ids of a collection's rows (not those inside their relationships). */
    private static List<String> ids(JsonNode doc) {
        List<String> out = new java.util.ArrayList<>();
        doc.at("/data").forEach(r -> out.add(r.get("id").asText()));
        return out;
    }

    @Test
    void filterKeepsTheRowsWhoseValueMatches() {
        String primary = gh.cluster.primary().name();
        JsonNode masters = gh.get("/v1/servers?filter=/attributes/state=%22Master,%20Running%22");
        assertThat(ids(masters)).containsExactly(primary);
        JsonNode byPort = gh.get("/v1/servers?filter=/attributes/parameters/port=" + gh.cluster.primary().port());
        assertThat(ids(byPort)).containsExactly(primary);
        assertThat(gh.get("/v1/servers?filter=/attributes/state=%22Nothing%22").at("/data").size()).isZero();
        HttpResponse<String> bad = gh.send("GET", "/v1/servers?filter=/attributes/state=Running", null);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("double quotes");
    }

    @Test
    void fieldsKeepOnlyTheNamedAttributes() {
        JsonNode doc = gh.get("/v1/servers?fields%5Bservers%5D=state,statistics/connections");
        for (JsonNode s : doc.at("/data")) {
            JsonNode a = s.get("attributes");
            assertThat(a.has("state")).isTrue();
            assertThat(a.at("/statistics/connections").isNumber()).isTrue();
            assertThat(a.at("/statistics").size()).isEqualTo(1);
            assertThat(a.has("parameters")).isFalse();
            assertThat(s.get("id").asText()).isNotEmpty();
        }
        // Another type's fields leave these resources whole.
        assertThat(gh.get("/v1/servers?fields%5Bservices%5D=router").at("/data/0/attributes/parameters").isObject())
                .isTrue();
    }

    @Test
    void pagesCutACollectionAndLinkTheNext() {
        List<String> all = ids(gh.get("/v1/servers"));
        assertThat(all).hasSize(3);
        JsonNode first = gh.get("/v1/servers?page%5Bsize%5D=2");
        assertThat(first.at("/data").size()).isEqualTo(2);
        String next = first.at("/links/next").asText();
        assertThat(next).contains("page[number]=1");
        JsonNode second = gh.get("/v1/servers?page%5Bsize%5D=2&page%5Bnumber%5D=1");
        assertThat(second.at("/data").size()).isEqualTo(1);
        assertThat(second.at("/links/next").isMissingNode()).isTrue();
        assertThat(List.of(first.at("/data/0/id").asText(), first.at("/data/1/id").asText(),
                second.at("/data/0/id").asText())).isEqualTo(all);
        assertThat(gh.get("/v1/servers?page%5Bsize%5D=0").at("/data").size()).as("ignored when not positive")
                .isEqualTo(3);
    }

    @Test
    void methodOverrideLetsAPutPatch() {
        String replica = gh.cluster.replicas().get(0).name();
        String body = "{\"data\":{\"attributes\":{\"parameters\":{\"rank\":\"secondary\"}}}}";
        HttpResponse<String> r = gh.send("PUT", "/v1/servers/" + replica, body, "admin", "mariadb",
                Map.of("X-HTTP-Method-Override", "PATCH"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
        assertThat(gh.get("/v1/servers/" + replica).at("/data/attributes/parameters/rank").asText())
                .isEqualTo("secondary");
        gh.send("PATCH", "/v1/servers/" + replica, body.replace("secondary", "primary"));
    }
}
