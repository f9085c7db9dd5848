package io.gatehouse.admin.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * One decoded admin request: method, path segments after the optional {@code /v1} prefix, query parameters, the
 * JSON body (or null), the authenticated user, the base URL used in {@code links} and the request's cookies by name
 * (the SQL API's connection tokens may travel in them). Immutable; built and used on the admin thread.
 */
public record ApiRequest(String method, List<String> path, Map<String, List<String>> query, JsonNode body,
                         String user, String baseUrl, Map<String, String> cookies) {
    public ApiRequest {
        cookies = cookies == null ? Map.of() : Map.copyOf(cookies);
    }

    /** A request without cookies. */
    public ApiRequest(String method, List<String> path, Map<String, List<String>> query, JsonNode body, String user,
                      String baseUrl) {
        this(method, path, query, body, user, baseUrl, Map.of());
    }

    /** The value of cookie {@code name}, or null. */
    public String cookie(String name) {
        return cookies.get(name);
    }

    /** The path segment at {@code i}, or null when the path is shorter. */
    public String segment(int i) {
        return i < path.size() ? path.get(i) : null;
    }

    /** The first value of a query parameter, or null. */
    public String param(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** The path joined with slashes, without leading slash. */
    public String joined() {
        return String.join("/", path);
    }
}
