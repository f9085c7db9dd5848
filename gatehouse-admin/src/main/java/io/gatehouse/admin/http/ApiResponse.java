package io.gatehouse.admin.http;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a resource answers: a status and either a JSON document, plain text (metrics, health) or nothing (204).
 * Immutable; built on the admin thread and encoded by {@link AdminHandler}.
 */
public record ApiResponse(int status, JsonNode json, String text, String contentType) {
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
