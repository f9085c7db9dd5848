package io.gatehouse.api.filter;

import io.gatehouse.api.router.ClientInfo;
import java.util.Map;

/**
 * One filter instance, made for one filter section and shared by the sessions of every service that names it.
 * Called from any worker thread, so it must be thread-safe (share nothing mutable, or use atomics). Holds no
 * buffers.
 */
public interface Filter {
    /** The filter's half of a new session; called on the session's worker thread after login. */
    FilterSession newSession(ClientInfo client);

    /**
     * The filter's half of a new session, with what it may ask of that session (timers, ending it). The default
     * ignores the context; filters that hold commands back, answer them or end sessions override this one.
     */
    default FilterSession newSession(ClientInfo client, FilterSessionContext context) {
        return newSession(client);
    }

    /**
     * Filter-specific counters for the admin API ({@code GET /v1/filters/NAME}, MaxScale's
     * {@code filter_diagnostics}); called on the admin thread. Values are numbers, strings, booleans, lists or maps.
     */
    default Map<String, Object> diagnostics() {
        return Map.of();
    }

    /**
     * Called once on the admin thread when the filter is destroyed or replaced by a new instance at runtime. Sessions
     * that started with this instance may still be running and keep using it, so it must go on serving them; a
     * filter holding files releases them when its last session ends. The default does nothing.
     */
    default void close() {
    }
}
