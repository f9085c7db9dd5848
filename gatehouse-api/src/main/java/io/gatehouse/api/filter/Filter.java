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
     * The names of the documents an operator reads and edits on this filter while it runs, served by the admin API
     * as {@code /v1/filters/NAME/DOCUMENT} (the firewall's {@code rules} and {@code learned}). Documents are JSON
     * values made of maps, lists, strings, numbers, booleans and nulls; the filter keeps them (and persists them
     * when they must survive a restart). The default has none.
     */
    default java.util.Set<String> documents() {
        return java.util.Set.of();
    }

    /**
     * The current contents of one of {@link #documents()} ({@code GET}); called on the admin thread.
     *
     * @throws IllegalArgumentException when the filter has no such document
     */
    default Object readDocument(String document) {
        throw new IllegalArgumentException("filter has no document '" + document + "'");
    }

    /**
     * Changes one of {@link #documents()} on the admin thread: {@code replace} true puts {@code body} in place of the
     * whole contents ({@code PUT}), false adds the entries of {@code body} to it ({@code POST}). Returns the new
     * contents. Sessions see the change from their next statement.
     *
     * @param body the request's JSON as maps, lists, strings, numbers, booleans and nulls
     * @throws IllegalArgumentException for an unknown document or a bad body, with a message naming the field, the
     *                                  bad value and the rule; nothing is changed then
     */
    default Object writeDocument(String document, Object body, boolean replace) {
        throw new IllegalArgumentException("filter has no document '" + document + "'");
    }

    /**
     * Removes the entries of one of {@link #documents()} that {@code selection} (the request's query parameters)
     * chooses, all of them when it is empty ({@code DELETE}); called on the admin thread. Returns the new contents.
     *
     * @throws IllegalArgumentException for an unknown document or selection, with a message naming it
     */
    default Object removeFromDocument(String document, Map<String, String> selection) {
        throw new IllegalArgumentException("filter has no document '" + document + "'");
    }

    /**
     * The module commands this filter offers (masking's {@code reload}), served as
     * {@code POST /v1/maxscale/modules/MODULE/COMMAND?FILTER&args...} and by {@code gatectl call command MODULE COMMAND
     * FILTER ...}. The default has none.
     */
    default java.util.List<String> commands() {
        return java.util.List.of();
    }

    /**
     * Runs one of {@link #commands()} with the arguments after the filter's name; called on an admin thread, never a
     * worker. Returns what it reports for the REST API (may be null). Throws {@link IllegalArgumentException} for an
     * unknown command or bad arguments and {@link IllegalStateException} when it cannot be done now, both with a
     * message for the operator; a failed command changes nothing.
     */
    default Object call(String command, java.util.List<String> args) {
        throw new IllegalArgumentException("filter has no command '" + command + "'");
    }

    /**
     * Called once on the admin thread when the filter is destroyed or replaced by a new instance at runtime. Sessions
     * that started with this instance may still be running and keep using it, so it must go on serving them; a
     * filter holding files releases them when its last session ends. The default does nothing.
     */
    default void close() {
    }
}
