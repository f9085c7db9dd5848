package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rewritefilter's documented reload: altering the filter ({@code PATCH /v1/filters/NAME}, MaxScale's
 * {@code maxctrl alter filter}), even to the value it already has, reads the template file again for new sessions;
 * a broken file makes the change fail with the file's line and the filter keeps its templates. Needs the runtime
 * filter changes of the core (RuntimeChanges.alterFilter). JUnit test thread.
 */
@ExtendWith(MariaDbExtension.class)
class RewriteFilterReloadTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void alteringTheFilterReadsTheTemplateFileAgain(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        Path rf = dir.resolve("t.rf");
        Files.writeString(rf, "%%\n%\n@{1:^}select 'version'\n%\nselect 'one'\n");
        try (FilterBed bed = FilterBed.start(cluster, dir, "module=rewritefilter\ntemplate_file=" + rf, "master")) {
            try (Connection open = bed.connect(FilterBed.SPLIT)) {
                assertThat(FilterBed.scalar(open, "select 'version'")).isEqualTo("one");
                Files.writeString(rf, "%%\n%\n@{1:^}select 'version'\n%\nselect 'two'\n");
                assertThat(fresh(bed, FilterBed.SPLIT)).as("not read again by itself").isEqualTo("one");

                HttpResponse<String> same = patch(bed, "log_replacement", "false");    // the value it has
                assertThat(same.statusCode()).as(same.body()).isEqualTo(204);
                assertThat(fresh(bed, FilterBed.SPLIT)).isEqualTo("two");
                assertThat(fresh(bed, FilterBed.CONN)).isEqualTo("two");
                assertThat(FilterBed.scalar(open, "select 'version'")).as("an open session keeps its templates")
                        .isEqualTo("one");
            }

            Files.writeString(rf, "%%\n%\n@{1:^}select 'version'\n%\nselect @{7}\n");
            HttpResponse<String> broken = patch(bed, "log_replacement", "true");
            assertThat(broken.statusCode()).as(broken.body()).isBetween(400, 499);
            assertThat(broken.body()).contains("template_file").contains("t.rf:1").contains("@{7}");
            assertThat(fresh(bed, FilterBed.SPLIT)).as("the old templates stay").isEqualTo("two");
        }
    }

    private static String fresh(FilterBed bed, String listener) throws Exception {
        try (Connection c = bed.connect(listener)) {
            return FilterBed.scalar(c, "select 'version'");
        }
    }

    private static HttpResponse<String> patch(FilterBed bed, String name, String value) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bed.gatehouse.admin().port()
                        + "/v1/filters/F"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "admin:mariadb".getBytes(StandardCharsets.UTF_8)))
                .method("PATCH", HttpRequest.BodyPublishers.ofString(
                        "{\"data\":{\"attributes\":{\"parameters\":{\"" + name + "\":\"" + value + "\"}}}}"))
                .build();
        return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    }
}
