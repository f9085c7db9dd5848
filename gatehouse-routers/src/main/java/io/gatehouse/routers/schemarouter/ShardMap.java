package io.gatehouse.routers.schemarouter;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Where each database and table lives: for every lower-cased database, its tables (the empty name stands for the
 * database itself) and the servers that hold each, in the order the servers were mapped. Immutable once built and
 * shared between workers through {@link ShardMapCache}; holds no buffers.
 */
final class ShardMap {
    /** Databases every server has: never duplicates, and never a reason to choose a server. */
    static final Set<String> SYSTEM_DATABASES = Set.of("mysql", "information_schema", "performance_schema", "sys");

    private final Map<String, Map<String, List<String>>> content;
    private final int serverCount;
    private final long builtNanos;

    private ShardMap(Map<String, Map<String, List<String>>> content, int serverCount, long builtNanos) {
        this.content = content;
        this.serverCount = serverCount;
        this.builtNanos = builtNanos;
    }

    /** Collects one map from the answers of several servers; used by one session on its worker. */
    static final class Builder {
        private final Map<String, Map<String, List<String>>> content = new TreeMap<>();
        private int servers;

        /** Records that {@code server} holds {@code db.table} ({@code table} empty for the database). */
        void add(String server, String db, String table) {
            List<String> where = content.computeIfAbsent(db.toLowerCase(Locale.ROOT), k -> new TreeMap<>())
                    .computeIfAbsent(table.toLowerCase(Locale.ROOT), k -> new ArrayList<>(2));
            if (!where.contains(server)) {
                where.add(server);
            }
        }

        /** One more server answered (even with an error: it then holds nothing). */
        void serverMapped() {
            servers++;
        }

        ShardMap build(long nowNanos) {
            Map<String, Map<String, List<String>>> frozen = new TreeMap<>();
            content.forEach((db, tables) -> {
                Map<String, List<String>> t = new TreeMap<>();
                tables.forEach((name, where) -> t.put(name, List.copyOf(where)));
                frozen.put(db, Collections.unmodifiableMap(t));
            });
            return new ShardMap(Collections.unmodifiableMap(frozen), servers, nowNanos);
        }
    }

    /** When the map was built, on the {@link System#nanoTime()} clock. */
    long builtNanos() {
        return builtNanos;
    }

    /**
     * The servers holding {@code table} of {@code db} (names lower-cased by the caller or not): the table's own
     * servers when the map knows it, else the database's; empty when neither is known.
     */
    List<String> locations(String db, String table) {
        Map<String, List<String>> tables = content.get(db.toLowerCase(Locale.ROOT));
        if (tables == null) {
            return List.of();
        }
        if (table != null && !table.isEmpty()) {
            List<String> t = tables.get(table.toLowerCase(Locale.ROOT));
            if (t != null) {
                return t;
            }
        }
        return tables.getOrDefault("", List.of());
    }

    /** True when every mapped server holds it, so it says nothing about where a statement should go. */
    boolean everywhere(List<String> where) {
        return serverCount > 1 && where.size() >= serverCount;
    }

    /** The database names, sorted. */
    Set<String> databases() {
        return new TreeSet<>(content.keySet());
    }

    /** SHOW SHARDS rows: {@code db.table} (just {@code db.} for the database itself) and one server each. */
    List<List<String>> shardRows() {
        List<List<String>> rows = new ArrayList<>();
        content.forEach((db, tables) -> tables.forEach((table, where) -> {
            for (String server : where) {
                rows.add(List.of(db + "." + table, server));
            }
        }));
        return rows;
    }

    /**
     * The tables (as {@code db.table}, {@code db.} for a database) held by more than one server and not excused: not
     * in a system database, not listed in {@code ignored}, not matched anywhere by {@code ignoredRegex}; each with
     * its servers.
     */
    Map<String, List<String>> duplicates(Set<String> ignored, Pattern ignoredRegex) {
        Map<String, List<String>> found = new TreeMap<>();
        content.forEach((db, tables) -> {
            if (SYSTEM_DATABASES.contains(db)) {
                return;
            }
            tables.forEach((table, where) -> {
                String name = db + "." + table;
                if (where.size() > 1 && !ignored.contains(name)
                        && (ignoredRegex == null || !ignoredRegex.matcher(name).find())) {
                    found.put(name, where);
                }
            });
        });
        return found;
    }
}
