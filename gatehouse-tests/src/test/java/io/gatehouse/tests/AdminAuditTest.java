package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.Gatehouse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * admin_audit, admin_audit_file and admin_audit_exclude_methods on a running Gatehouse: every request is a CSV row
 * under a header, an excluded method is left out once PATCH /v1/maxscale says so (and written again once the
 * exclusion is lifted), a failed login is written even when its method is excluded, and passwords in request bodies
 * are hidden; admin_readwrite_hosts and admin_readonly_hosts let a client host write, only read, or nothing. Real
 * HTTP, JDK client; the test thread.
 */
class AdminAuditTest {
    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newHttpClient();

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private int send(Gatehouse gh, String method, String path, String auth, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gh.admin().port() + path));
        if (!auth.isEmpty()) {
            b.header("Authorization", auth);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private List<String> rows(Path audit) throws Exception {
        return Files.readAllLines(audit);
    }

    @Test
    void requestsAreAuditedAsTheParametersSayAtEachRequest() throws Exception {
        Path audit = dir.resolve("audit.csv");
        Path cnf = dir.resolve("gatehouse.cnf");
        Files.writeString(cnf, "[maxscale]\nthreads=1\nadmin_host=127.0.0.1\nadmin_port=0\nlogdir=" + dir
                + "\npiddir=" + dir + "\ndatadir=" + dir + "\npersistdir=" + dir.resolve("persist")
                + "\nadmin_audit=true\nadmin_audit_file=" + audit + "\n");
        String admin = basic("admin", "mariadb");
        try (Gatehouse gh = Gatehouse.start(cnf)) {
            assertThat(send(gh, "GET", "/v1/servers", admin, null)).isEqualTo(200);
            assertThat(rows(audit)).hasSize(2);
            assertThat(rows(audit).get(0)).startsWith("Timestamp,Duration,User,Host,URI,Method,Status");
            assertThat(rows(audit).get(1)).contains("\"admin\"", "\"127.0.0.1\"", "\"/v1/servers\"", "\"GET\"",
                    "\"OK\"", "\"200\"");

            String exclude = "{\"data\": {\"attributes\": {\"parameters\": {\"admin_audit_exclude_methods\": \"GET\"}}}}";
            assertThat(send(gh, "PATCH", "/v1/maxscale", admin, exclude)).isEqualTo(204);
            assertThat(send(gh, "GET", "/v1/servers", admin, null)).isEqualTo(200);
            assertThat(rows(audit)).as("the PATCH is written, the GET after it is not").hasSize(3);
            assertThat(send(gh, "GET", "/v1/servers", basic("admin", "not-the-password"), null)).isEqualTo(401);
            assertThat(rows(audit)).as("a failed login is written although GET is excluded").hasSize(4);
            assertThat(rows(audit).get(3)).contains("\"GET\"", "\"401\"");

            String user = "{\"data\": {\"id\": \"ops\", \"type\": \"inet\", \"attributes\": {\"password\":"
                    + " \"s3cret-pw\", \"account\": \"admin\"}}}";
            assertThat(send(gh, "POST", "/v1/users/inet", admin, user)).isEqualTo(204);
            assertThat(rows(audit).get(4)).contains("\"POST\"", "ops", "*****").doesNotContain("s3cret-pw");

            String all = "{\"data\": {\"attributes\": {\"parameters\": {\"admin_audit_exclude_methods\": \"\"}}}}";
            assertThat(send(gh, "PATCH", "/v1/maxscale", basic("ops", "s3cret-pw"), all)).isEqualTo(204);
            assertThat(send(gh, "GET", "/v1/servers", admin, null)).isEqualTo(200);
            assertThat(rows(audit)).as("GET written again once the exclusion is lifted").hasSize(7);
            assertThat(rows(audit).get(5)).contains("\"ops\"", "\"PATCH\"");

            String off = "{\"data\": {\"attributes\": {\"parameters\": {\"admin_audit\": false}}}}";
            assertThat(send(gh, "PATCH", "/v1/maxscale", admin, off)).isEqualTo(204);
            assertThat(send(gh, "GET", "/v1/servers", admin, null)).isEqualTo(200);
            assertThat(rows(audit)).as("nothing once admin_audit is off").hasSize(7);
        }
    }

    @Test
    void hostListsDecideWhoMayReadAndWhoMayWrite() throws Exception {
        String admin = basic("admin", "mariadb");
        String change = "{\"data\": {\"attributes\": {\"parameters\": {\"log_info\": false}}}}";
        // The test reaches the API from 127.0.0.1: only reading is allowed from there.
        try (Gatehouse gh = start("ro", "admin_readwrite_hosts=10.0.0.0/255.0.0.0\nadmin_readonly_hosts=127.0.0.%")) {
            assertThat(send(gh, "GET", "/v1/servers", admin, null)).isEqualTo(200);
            assertThat(send(gh, "PATCH", "/v1/maxscale", admin, change)).isEqualTo(403);
        }
        try (Gatehouse gh = start("none", "admin_readwrite_hosts=10.%\nadmin_readonly_hosts=192.168.1.1")) {
            assertThat(send(gh, "GET", "/v1/servers", admin, null)).isEqualTo(403);
            assertThat(send(gh, "GET", "/health/live", "", null)).as("health checks need no host").isEqualTo(200);
        }
        try (Gatehouse gh = start("rw", "admin_readwrite_hosts=10.%,127.0.0.1\nadmin_readonly_hosts=10.%")) {
            assertThat(send(gh, "PATCH", "/v1/maxscale", admin, change)).isEqualTo(204);
        }
    }

    private Gatehouse start(String name, String global) throws Exception {
        Path cnf = dir.resolve(name + ".cnf");
        Files.createDirectories(dir.resolve(name));
        Files.writeString(cnf, "[maxscale]\nthreads=1\nadmin_host=127.0.0.1\nadmin_port=0\nlogdir=" + dir
                + "\npiddir=" + dir + "\ndatadir=" + dir.resolve(name) + "\npersistdir=" + dir.resolve(name + "-p")
                + "\n" + global + "\n");
        return Gatehouse.start(cnf);
    }
}
