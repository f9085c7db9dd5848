package io.gatehouse.admin.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;

/**
 * What a resource answers: a status and either a JSON document, plain text (metrics, health) or nothing (204); or,
 * for work that waits (a module command), {@code later}, which {@link AdminHandler} runs off the admin event loop
 * to get the real answer. Immutable; built on the admin thread and encoded by {@link AdminHandler}.
 */
public record ApiResponse(int status, JsonNode json, String text, String contentType, Callable<ApiResponse> later) {
    public ApiResponse(int status, JsonNode json, String text, String contentType) {
        this(status, json, text, contentType, null);
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
