package io.gatehouse.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.admin.json.Json;
import io.gatehouse.core.module.ModuleRegistry;
import io.gatehouse.core.runtime.PersistedConfigs;
import io.gatehouse.core.runtime.Runtime;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A running proxy (the runtime built from a MaxScale-style configuration naming its objects like the reference
 * capture: MariaDB-Monitor, RW-Split-Router, Read-Only-Service and their listeners) in front of the test kit's
 * cluster, with its admin server on a free port and an HTTP client for it. Used from the JUnit thread.
 */
final class AdminFixture implements AutoCloseable {
    final MariaDbCluster cluster;
    final Path dir;
    final Runtime runtime;
    final AdminServer admin;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private AdminFixture(MariaDbCluster cluster, Path dir, Runtime runtime, AdminServer admin) {
        this.cluster = cluster;
        this.dir = dir;
        this.runtime = runtime;
        this.admin = admin;
    }

    static AdminFixture start(MariaDbCluster cluster) throws Exception {
        Path dir = Files.createTempDirectory("gatehouse-admin");
        Path cnf = dir.resolve("gatehouse.cnf");
        Files.writeString(cnf, config(cluster, dir));
        return start(cluster, dir);
    }

    /** Starts on an existing directory holding {@code gatehouse.cnf} (and maybe persisted changes): a restart. */
    static AdminFixture start(MariaDbCluster cluster, Path dir) throws Exception {
        Path cnf = dir.resolve("gatehouse.cnf");
        ModuleRegistry modules = ModuleRegistry.load(AdminFixture.class.getClassLoader());
        Runtime rt = PersistedConfigs.create(cnf, modules);
        AdminServer admin = null;
        try {
            rt.start();
            admin = AdminServer.startFor(rt);
            return new AdminFixture(cluster, dir, rt, admin);
        } catch (Exception e) {
            if (admin != null) {
                admin.close();
            }
            rt.close();
            delete(dir);
            throw e;
        }
    }

    static String config(MariaDbCluster cluster, Path dir) {
        StringBuilder sb = new StringBuilder();
        sb.append("[maxscale]\nthreads=2\nadmin_host=127.0.0.1\nadmin_port=0\nlogdir=").append(dir).append("\ndatadir=")
                .append(dir).append("\npersistdir=").append(dir.resolve("persist")).append("\npiddir=").append(dir)
                .append("\n\n");
        StringBuilder names = new StringBuilder();
        for (MariaDbServer s : cluster.servers()) {
            sb.append('[').append(s.name()).append("]\ntype=server\naddress=127.0.0.1\nport=").append(s.port()).append("\n\n");
            names.append(names.length() == 0 ? "" : ",").append(s.name());
        }
        String creds = "user=" + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD + "\n";
        sb.append("[MariaDB-Monitor]\ntype=monitor\nmodule=mariadbmon\nservers=").append(names).append('\n').append(creds)
                .append("monitor_interval=500ms\nbackend_read_timeout=10s\nbackend_connect_timeout=10s\n\n");
        sb.append("[RW-Split-Router]\ntype=service\nrouter=readwritesplit\ncluster=MariaDB-Monitor\n").append(creds).append('\n');
        sb.append("[Read-Only-Service]\ntype=service\nrouter=readconnroute\nrouter_options=slave\ncluster=MariaDB-Monitor\n")
                .append(creds).append('\n');
        sb.append("[RW-Split-Listener]\ntype=listener\nservice=RW-Split-Router\nprotocol=MariaDBClient\naddress=127.0.0.1\nport=0\n\n");
        sb.append("[Read-Only-Listener]\ntype=listener\nservice=Read-Only-Service\nprotocol=MariaDBClient\naddress=127.0.0.1\nport=0\n");
        return sb.toString();
    }

    String url(String path) {
        return "http://127.0.0.1:" + admin.port() + path;
    }

    HttpResponse<String> send(String method, String path, String body, String user, String password) {
        return send(method, path, body, user, password, java.util.Map.of());
    }

    /** A request with extra headers ({@code If-Match} and the like). */
    HttpResponse<String> send(String method, String path, String body, String user, String password,
                              java.util.Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        if (user != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A request as the default admin user. */
    HttpResponse<String> send(String method, String path, String body) {
        return send(method, path, body, "admin", "mariadb");
    }

    JsonNode get(String path) {
        HttpResponse<String> r = send("GET", path, null);
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return parse(r.body());
    }

    static JsonNode parse(String body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        stopKeepingFiles();
        delete(dir);
    }

    /** Stops everything but leaves the directory (configuration, persisted changes, admin users) for a restart. */
    void stopKeepingFiles() {
        try {
            admin.close();
        } finally {
            runtime.close();
        }
    }

    static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
