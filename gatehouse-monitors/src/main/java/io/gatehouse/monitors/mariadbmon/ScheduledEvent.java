package io.gatehouse.monitors.mariadbmon;

import java.util.Objects;

/**
 * A server's scheduled event, by schema and name exactly as the server reports them (any character, quotes and
 * newlines included); quoted only when a statement is built. Immutable; no buffers.
 */
record ScheduledEvent(String schema, String name) {
    ScheduledEvent {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(name, "name");
    }

    /** {@code `schema`.`name`}, each part quoted as an identifier. */
    String sql() {
        return Sql.ident(schema) + "." + Sql.ident(name);
    }
}
