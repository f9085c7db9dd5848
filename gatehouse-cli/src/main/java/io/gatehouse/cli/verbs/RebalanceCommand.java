package io.gatehouse.cli.verbs;

import io.gatehouse.cli.Gatectl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code gatectl rebalance thread ID RECIPIENT [--sessions N]} through
 * {@code POST /v1/maxscale/threads/ID/rebalance?sessions=N&recipient=RECIPIENT} (moves up to N idle sessions of
 * routing worker ID to worker RECIPIENT) and {@code gatectl rebalance threads [--threshold T]} through
 * {@code POST /v1/maxscale/threads/rebalance} (one rebalancing pass over the workers' loads); each prints OK. Runs on
 * the command's thread.
 */
@Command(name = "rebalance", description = "Move sessions between routing threads")
public final class RebalanceCommand {
    @ParentCommand
    Gatectl gatectl;

    @Command(name = "thread", description = "Move idle sessions of one thread to another")
    void thread(@Parameters(index = "0", paramLabel = "ID", description = "Thread to move sessions from") int id,
                @Parameters(index = "1", paramLabel = "RECIPIENT", description = "Active thread to move them to")
                int recipient,
                @Option(names = "--sessions", defaultValue = "1", description = "How many sessions (default: 1)")
                int sessions) {
        gatectl.eachHost(c -> {
            c.send("POST", "maxscale/threads/" + id + "/rebalance?sessions=" + sessions + "&recipient=" + recipient,
                    null);
            return "OK\n";
        });
    }

    @Command(name = "threads", description = "Move sessions from the busiest thread if loads differ enough")
    void threads(@Option(names = "--threshold", description = "Load difference in percent (default: rebalance_threshold)")
                 Integer threshold) {
        gatectl.eachHost(c -> {
            c.send("POST", "maxscale/threads/rebalance" + (threshold == null ? "" : "?threshold=" + threshold), null);
            return "OK\n";
        });
    }
}
