package io.gatehouse.admin.http;

/**
 * A request the admin API refuses, with the HTTP status to answer and the message for the JSON:API error document.
 * Thrown and caught on the admin thread; holds no buffers.
 */
public final class ApiException extends RuntimeException {
    private final int status;

    public ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static ApiException notFound(String what) {
        return new ApiException(404, what + " not found");
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }
}
