package io.gatehouse.routers.schemarouter;

import io.gatehouse.sql.Classification;
import io.gatehouse.sql.QueryType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads what the router must know of one statement: whether it is one of the router's own commands, whether it
 * changes session state (so every shard runs it), and which servers hold every table it names. Stateless; works on
 * copies of the statement bytes, never on buffers.
 */
final class StatementTarget {
    /** Statements every shard must run, as long as they name no table: session state and transaction control. */
    private static final int SESSION_BITS = QueryType.SESSION_WRITE | QueryType.USERVAR_WRITE | QueryType.GSYSVAR_WRITE
            | QueryType.ENABLE_AUTOCOMMIT | QueryType.DISABLE_AUTOCOMMIT | QueryType.BEGIN_TRX | QueryType.COMMIT
            | QueryType.ROLLBACK;

    private StatementTarget() {
    }

    /** True for {@code SHOW SHARDS}, which the router answers itself (like MaxScale, modifiers are not read). */
    static boolean isShowShards(byte[] sql) {
        String s = new String(sql, StandardCharsets.UTF_8).strip();
        String[] words = s.split("\\s+", 3);
        return words.length >= 2 && words[0].equalsIgnoreCase("show")
                && (words[1].equalsIgnoreCase("shards") || words[1].equalsIgnoreCase("shards;"));
    }

    /** True when every shard must run the statement and the client gets one answer. */
    static boolean isSessionCommand(Classification c) {
        return (c.typeMask() & SESSION_BITS) != 0 && c.tablesRead().isEmpty() && c.tablesWritten().isEmpty();
    }

    /**
     * The servers that hold every table the statement names, in map order: an unqualified table is looked for in
     * {@code currentDb}; tables and databases the map does not know, and those on every server (system tables),
     * say nothing. Null when nothing the statement names decides; empty when its tables are on different servers.
     */
    static Set<String> servers(Classification c, ShardMap map, String currentDb) {
        List<String> names = new ArrayList<>(c.tablesRead());
        names.addAll(c.tablesWritten());
        Set<String> candidates = null;
        for (String name : names) {
            int dot = name.indexOf('.');
            String db = dot > 0 ? name.substring(0, dot) : currentDb;
            String table = dot > 0 ? name.substring(dot + 1) : name;
            if (db == null) {
                continue;
            }
            List<String> where = map.locations(db, table);
            if (where.isEmpty() || map.everywhere(where)) {
                continue;
            }
            if (candidates == null) {
                candidates = new LinkedHashSet<>(where);
            } else {
                candidates.retainAll(where);
            }
        }
        return candidates;
    }
}
