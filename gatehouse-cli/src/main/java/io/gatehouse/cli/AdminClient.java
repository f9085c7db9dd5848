package io.gatehouse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.cli.output.JsonText;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * The HTTP side of gatectl: sends requests to one admin API host with HTTP Basic credentials and turns JSON:API
 * error documents into {@link CliException}s carrying their detail. Used on the command's thread.
 */
public final class AdminClient {
    private final HttpClient http;
    private final String base;
    private final String authorization;
    private final Duration timeout;
    private final boolean skipSync;

    public AdminClient(String host, String user, String password, Duration timeout) {
        this(host, user, password, timeout, null, false);
    }

    /**
     * With {@code tls} set, requests go over HTTPS using it; otherwise over plain HTTP. With {@code skipSync} every
     * request carries maxctrl's {@code sync=false} (its {@code --skip-sync}).
     */
    public AdminClient(String host, String user, String password, Duration timeout, javax.net.ssl.SSLContext tls,
                       boolean skipSync) {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(timeout);
        if (tls != null) {
            b.sslContext(tls);
        }
        this.http = b.build();
        String h = host.contains("://") ? host : (tls != null ? "https://" : "http://") + host;
        this.base = h.endsWith("/") ? h.substring(0, h.length() - 1) : h;
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.timeout = timeout;
        this.skipSync = skipSync;
    }

    public String base() {
        return base;
    }

    /** {@code GET /v1/path}, the parsed document. */
    public JsonNode get(String path) {
        return JsonText.parse(send("GET", path, null));
    }

    /** Sends a request and returns the body; a status of 400 or more becomes a {@link CliException}. */
    public String send(String method, String path, String body) {
        String target = skipSync ? path + (path.contains("?") ? "&" : "?") + "sync=false" : path;
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/v1/" + target)).timeout(timeout)
                .header("Authorization", authorization).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> resp;
        try {
            resp = http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CliException("Could not connect to Gatehouse at " + base + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
        if (resp.statusCode() >= 400) {
            throw new CliException(describe(resp));
        }
        return resp.body();
    }

    private static String describe(HttpResponse<String> resp) {
        if (resp.statusCode() == 401) {
            return "Not authorized: wrong user name or password (HTTP 401)";
        }
        try {
            JsonNode doc = JsonText.MAPPER.readTree(resp.body());
            JsonNode detail = doc.path("errors").path(0).path("detail");
            if (detail.isTextual()) {
                return detail.asText() + " (HTTP " + resp.statusCode() + ")";
            }
        } catch (IOException e) {
            // Not JSON: fall through to the status line.
        }
        return "HTTP " + resp.statusCode() + ": " + resp.body();
    }
}
