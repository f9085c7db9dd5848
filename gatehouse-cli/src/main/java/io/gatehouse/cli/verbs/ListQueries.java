package io.gatehouse.cli.verbs;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.cli.CliException;
import io.gatehouse.cli.output.BoxTable;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code gatectl list queries [-l N]}, maxctrl's: the statement each session is running now (its newest retained
 * statement that has no completion time), with how long it has run, cut to N characters ({@code 0}: whole). Needs
 * {@code retain_last_statements} above 0, which it checks first and names when it is not. Runs on the command's
 * thread.
 */
@Command(name = "queries", description = "List the statements sessions are running now (needs retain_last_statements > 0)")
public final class ListQueries implements Runnable {
    @ParentCommand
    ListCommand list;

    @Option(names = {"-l", "--max-length"}, defaultValue = "120",
            description = "Longest statement text shown; 0 for no limit (default: ${DEFAULT-VALUE})")
    int maxLength;

    @Override
    public void run() {
        list.gatectl.eachHost(c -> {
            JsonNode retain = c.get("maxscale").path("data").path("attributes").path("parameters")
                    .path("retain_last_statements");
            if (retain.asLong(0) <= 0) {
                throw new CliException("The 'retain_last_statements' parameter must be enabled for this command to"
                        + " work: gatectl alter maxscale retain_last_statements 1");
            }
            BoxTable t = new BoxTable(List.of("Id", "User", "Host", "Duration", "Query"));
            long now = System.currentTimeMillis();
            for (JsonNode s : c.get("sessions").path("data")) {
                JsonNode q = running(s.path("attributes").path("queries"));
                if (q == null) {
                    continue;
                }
                String stmt = q.path("statement").asText();
                if (maxLength > 0 && stmt.length() > maxLength) {
                    stmt = stmt.substring(0, maxLength) + "...";
                }
                t.row(List.of(s.path("id").asText(), Rows.at(s, "/attributes/user"), Rows.at(s, "/attributes/remote"),
                        duration(q.path("received").asText(), now), stmt));
            }
            return Rows.print(list.gatectl, t);
        });
    }

    /**
     * The statement still running: one without a completion time, the latest received if several. maxctrl reads
     * only the first entry, which is the newest in MaxScale's order; looking at every entry works in either order.
     */
    private static JsonNode running(JsonNode queries) {
        JsonNode best = null;
        long bestAt = Long.MIN_VALUE;
        for (JsonNode q : queries) {
            if (q.hasNonNull("completed")) {
                continue;
            }
            Instant at = instant(q.path("received").asText());
            long t = at == null ? Long.MIN_VALUE + 1 : at.toEpochMilli();
            if (best == null || t >= bestAt) {
                best = q;
                bestAt = t;
            }
        }
        return best;
    }

    /** Whole seconds since {@code received} (an HTTP date, or ISO-8601), as {@code 12s}; empty when unreadable. */
    private static String duration(String received, long now) {
        Instant at = instant(received);
        return at == null ? "" : Math.max(0, (now - at.toEpochMilli()) / 1000) + "s";
    }

    private static Instant instant(String text) {
        try {
            return ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }
}
