package io.gatehouse.routers.schemarouter;

import io.gatehouse.api.router.RouterSessionContext;
import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.api.server.ServerView;
import io.gatehouse.sql.Classification;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The schemarouter's words for the per-session trace: which of its rules decided a statement (every shard for a
 * session command, a hint, the server holding every table named, or the fallback) and what it weighed (the current
 * database, the tables and where the map puts them, each server with state and lag). Stateless; called on the
 * session's worker only while the session is traced; touches no buffers.
 */
final class ShardTrace {
    private ShardTrace() {
    }

    static void report(RouterSessionContext ctx, Classification c, boolean hinted, ShardMap map, String currentDb) {
        List<String> facts = new ArrayList<>();
        facts.add("current database: " + (currentDb == null ? "none" : currentDb));
        List<String> tables = new ArrayList<>(c.tablesRead());
        tables.addAll(c.tablesWritten());
        Set<String> holders = StatementTarget.servers(c, map, currentDb);
        if (!tables.isEmpty()) {
            facts.add("tables: " + String.join(", ", tables) + " (held by: "
                    + (holders == null ? "no shard in particular" : holders.isEmpty() ? "no one server"
                    : String.join(", ", holders)) + ")");
        }
        for (ServerView s : ctx.targets()) {
            long lag = s.state().replicationLag();
            facts.add("candidate " + s.name() + ": " + ServerStatus.describe(s.status()) + "; lag "
                    + (lag < 0 ? "unknown" : lag + "s"));
        }
        String rule;
        if (hinted) {
            rule = "a routing hint names the target";
        } else if (StatementTarget.isSessionCommand(c)) {
            rule = "a session command (session state or transaction control, no table): every shard runs it";
        } else if (holders != null && !holders.isEmpty()) {
            rule = "the statement goes to the server holding every table it names";
        } else {
            rule = "no table decides: the server of the current database, else the one used last, else the first"
                    + " connected";
        }
        ctx.traceDecision(rule, facts);
    }
}
