package io.gatehouse.admin.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * What a resource answers: a status and either a JSON document, plain text (metrics, health) or nothing (204); or,
 * for work that waits (a module command), {@code later}, which {@link AdminHandler} runs off the admin event loop
 * to get the real answer. {@code headers} are extra response headers, in order (a name may repeat: Set-Cookie).
 * Immutable; built on the admin thread and encoded by {@link AdminHandler}.
 */
public record ApiResponse(int status, JsonNode json, String text, String contentType, Callable<ApiResponse> later,
                          List<Map.Entry<String, String>> headers) {
    public ApiResponse {
        headers = headers == null ? List.of() : List.copyOf(headers);
    }

    public ApiResponse(int status, JsonNode json, String text, String contentType, Callable<ApiResponse> later) {
        this(status, json, text, contentType, later, List.of());
    }

    public ApiResponse(int status, JsonNode json, String text, String contentType) {
        this(status, json, text, contentType, null, List.of());
    }

    /** This answer with one more header ({@code Location}, {@code Set-Cookie}). */
    public ApiResponse withHeader(String name, String value) {
        List<Map.Entry<String, String>> more = new ArrayList<>(headers);
        more.add(Map.entry(name, value));
        return new ApiResponse(status, json, text, contentType, later, more);
    }

    /** An answer that {@code work} computes off the admin event loop; it may block. */
    public static ApiResponse later(Callable<ApiResponse> work) {
        return new ApiResponse(202, null, null, null, work);
    }

    public static ApiResponse ok(JsonNode json) {
        return new ApiResponse(200, json, null, "application/json");
    }

    public static ApiResponse noContent() {
        return new ApiResponse(204, null, null, null);
    }

    public static ApiResponse text(int status, String text, String contentType) {
        return new ApiResponse(status, null, text, contentType);
    }
}
