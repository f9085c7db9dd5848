package io.gatehouse.admin.resources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.admin.json.JsonApi;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /sql/odbc/drivers} reads a real odbcinst.ini: a driver is listed, with its keys in lower case, only
 * when its Driver or Driver64 library exists (as the driver manager would load it), the {@code [ODBC]} section is
 * no driver, and a missing file means no drivers. Files in a JUnit temporary directory; JUnit thread.
 */
class OdbcDriversTest {
    private final JsonApi api = new JsonApi("http://127.0.0.1:8989/v1/");

    @Test
    void onlyDriversWhoseLibraryExistsAreListed(@TempDir Path dir) throws Exception {
        Path lib = Files.writeString(dir.resolve("libmaodbc.so"), "not really a library");
        Path ini = Files.writeString(dir.resolve("odbcinst.ini"), "[ODBC]\nTrace = No\n\n"
                + "# the MariaDB driver\n[MariaDB]\nDescription = ODBC for MariaDB\nDriver = " + lib + "\n"
                + "Driver64=" + dir.resolve("missing64.so") + "\nFileUsage = 1\n\n"
                + "[PostgreSQL]\nDescription=not installed\nDriver=" + dir.resolve("psqlodbcw.so") + "\n");
        JsonNode doc = OdbcDrivers.list(api, ini);
        assertThat(doc.at("/data")).hasSize(1);
        JsonNode d = doc.at("/data/0");
        assertThat(d.at("/id").asText()).isEqualTo("MariaDB");
        assertThat(d.at("/type").asText()).isEqualTo("drivers");
        assertThat(d.at("/attributes/description").asText()).isEqualTo("ODBC for MariaDB");
        assertThat(d.at("/attributes/driver").asText()).isEqualTo(lib.toString());
        assertThat(d.at("/attributes/fileusage").asText()).isEqualTo("1");
        assertThat(doc.at("/links/self").asText()).isEqualTo("http://127.0.0.1:8989/v1/sql/odbc/drivers/");
    }

    @Test
    void noFileMeansNoDrivers(@TempDir Path dir) {
        JsonNode doc = OdbcDrivers.list(api, dir.resolve("odbcinst.ini"));
        assertThat(doc.at("/data").isArray()).isTrue();
        assertThat(doc.at("/data")).isEmpty();
    }
}
