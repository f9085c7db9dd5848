package io.gatehouse.protocols.nosql.sql;

import java.util.concurrent.CompletableFuture;

/**
 * Runs one SQL statement for a MongoDB client; the narrow view the command translation needs of a service session.
 * Called on the client channel's event loop, and the future completes there too (statements of one client run one
 * after the other, in the order written). No buffers cross this interface.
 */
public interface SqlRunner {
    /** Sends {@code sql}; the future completes with its rows, OK or MariaDB error, or fails if the session ended. */
    CompletableFuture<SqlResult> run(String sql);
}
