package io.gatehouse.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/maxscale/logs/entries} shows recent log lines (a warning logged here appears with MaxScale's
 * priority word; paging and priority filtering work) and {@code GET /v1/maxscale/query_classifier/classify}
 * answers the classifier's view of a statement in MaxScale's shape. Real cluster; JUnit thread.
 */
@ExtendWith(MariaDbExtension.class)
class AdminLogsClassifyTest {
    @Test
    void logEntriesAndClassification(MariaDbCluster cluster) throws Exception {
        try (AdminFixture gh = AdminFixture.start(cluster)) {
            LoggerFactory.getLogger("io.gatehouse.test").warn("marker for the log entries test {}", 42);
            JsonNode logs = gh.get("/v1/maxscale/logs/entries?page[size]=500");
            JsonNode found = null;
            for (JsonNode e : logs.path("data")) {
                if (e.at("/attributes/message").asText().equals("marker for the log entries test 42")) {
                    found = e;
                }
            }
            assertThat(found).as(logs.toString()).isNotNull();
            assertThat(found.path("type").asText()).isEqualTo("log_entry");
            assertThat(found.at("/attributes/priority").asText()).isEqualTo("warning");
            assertThat(found.at("/attributes/timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d");
            assertThat(found.at("/attributes/id").asText()).isEqualTo(found.path("id").asText());
            JsonNode one = gh.get("/v1/maxscale/logs/entries?page[size]=1");
            assertThat(one.path("data").size()).isEqualTo(1);
            long newest = one.at("/data/0/id").asLong();
            String prev = one.at("/links/prev").asText();
            JsonNode older = gh.get(prev.substring(prev.indexOf("/v1/")));
            assertThat(older.path("data").size()).isEqualTo(1);
            assertThat(older.at("/data/0/id").asLong()).isLessThan(newest);
            JsonNode data = gh.get("/v1/maxscale/logs/data?page%5Bsize%5D=3");
            assertThat(data.at("/data/type").asText()).isEqualTo("log_data");
            assertThat(data.at("/data/attributes/log").size()).isEqualTo(3);
            assertThat(data.at("/data/attributes/log/2/message").isTextual()).isTrue();
            JsonNode warnings = gh.get("/v1/maxscale/logs/entries?priority=warning&page[size]=1000");
            assertThat(warnings.path("data")).allSatisfy(e -> assertThat(e.at("/attributes/priority").asText()).isEqualTo("warning"));
            assertThat(gh.send("GET", "/v1/maxscale/logs/entries", null, null, null).statusCode()).isEqualTo(401);

            String sql = "SELECT id, NOW() FROM t1 WHERE name = 'where'";
            JsonNode c = gh.get("/v1/maxscale/query_classifier/classify?sql=" + URLEncoder.encode(sql, StandardCharsets.UTF_8));
            JsonNode p = c.at("/data/attributes/parameters");
            assertThat(p.path("sql").asText()).isEqualTo(sql);
            assertThat(p.path("parse_result").asText()).isEqualTo("QC_QUERY_PARSED");
            assertThat(p.path("type_mask").asText()).contains("QUERY_TYPE_READ");
            assertThat(p.path("operation").asText()).isEqualTo("QUERY_OP_SELECT");
            assertThat(p.path("has_where_clause").asBoolean()).isTrue();
            assertThat(p.path("functions").toString()).containsIgnoringCase("now");
            assertThat(p.path("tables_read").toString()).contains("t1");
            JsonNode w = gh.get("/v1/maxscale/query_classifier/classify?sql="
                    + URLEncoder.encode("UPDATE t1 SET a = 'where'", StandardCharsets.UTF_8)).at("/data/attributes/parameters");
            assertThat(w.path("type_mask").asText()).contains("QUERY_TYPE_WRITE");
            assertThat(w.path("operation").asText()).isEqualTo("QUERY_OP_UPDATE");
            assertThat(w.path("has_where_clause").asBoolean()).isFalse();
            assertThat(gh.send("GET", "/v1/maxscale/query_classifier/classify", null).statusCode()).isEqualTo(400);
        }
    }
}
