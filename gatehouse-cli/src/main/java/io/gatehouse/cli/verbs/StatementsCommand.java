package io.gatehouse.cli.verbs;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.cli.Gatectl;
import io.gatehouse.cli.output.BoxTable;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code gatectl statements [--top N]} prints the statement statistics ({@code GET /v1/statistics/statements}), one
 * row per canonical statement and server, the most executed first; {@code gatectl statements reset} clears them
 * ({@code DELETE}). Runs on the command's thread.
 */
@Command(name = "statements", description = "Show statement statistics (statement_statistics=true), or reset them")
public final class StatementsCommand implements Runnable {
    @ParentCommand
    Gatectl gatectl;

    @Option(names = "--top", description = "Statements to list before the (other) row (default: ${DEFAULT-VALUE})")
    int top = 50;

    @Override
    public void run() {
        gatectl.eachHost(c -> {
            BoxTable t = new BoxTable(List.of("Statement", "Server", "Count", "Errors", "Rows", "Mean (ms)",
                    "p99 (ms)", "Max (ms)", "Last Seen"));
            for (JsonNode r : c.get("statistics/statements?top=" + top).path("data")) {
                t.row(List.of(Rows.at(r, "/attributes/statement"), Rows.at(r, "/attributes/server"),
                        Rows.at(r, "/attributes/count"), Rows.at(r, "/attributes/errors"),
                        Rows.at(r, "/attributes/rows"), Rows.at(r, "/attributes/latency/mean"),
                        Rows.at(r, "/attributes/latency/p99"), Rows.at(r, "/attributes/latency/max"),
                        Rows.at(r, "/attributes/last_seen")));
            }
            return Rows.print(gatectl, t);
        });
    }

    @Command(name = "reset", description = "Forget every statement count")
    void reset() {
        gatectl.eachHost(c -> {
            c.send("DELETE", "statistics/statements", null);
            return "OK\n";
        });
    }
}
