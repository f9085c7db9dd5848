package io.gatehouse.cli.verbs;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.cli.output.BoxTable;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code gatectl show replication [--monitor NAME]}, maxctrl's: one row per replication connection of every server
 * a mariadbmon monitor watches (or only those of {@code --monitor}), read from the monitors' {@code server_info}
 * diagnostics. Runs on the command's thread.
 */
@Command(name = "replication", description = "Show the replication connections mariadbmon monitors see")
public final class ShowReplication implements Runnable {
    @ParentCommand
    ShowCommand show;

    @Option(names = "--monitor", paramLabel = "NAME", description = "Only the servers of this monitor")
    String monitor;

    @Override
    public void run() {
        show.gatectl.eachHost(c -> {
            BoxTable t = new BoxTable(List.of("Replica", "Primary", "IO Running", "SQL Running", "Gtid IO Pos",
                    "Gtid mode", "Lag (s)"));
            for (JsonNode m : c.get("monitors").path("data")) {
                if (monitor != null && !monitor.equals(m.path("id").asText())
                        || !"mariadbmon".equals(m.at("/attributes/module").asText())) {
                    continue;
                }
                for (JsonNode s : m.at("/attributes/monitor_diagnostics/server_info")) {
                    for (JsonNode conn : s.path("slave_connections")) {
                        String source = conn.path("master_server_name").isTextual()
                                ? conn.path("master_server_name").asText()
                                : conn.path("master_host").asText() + ":" + conn.path("master_port").asText();
                        t.row(List.of(s.path("name").asText(), source, Rows.at(conn, "/slave_io_running"),
                                Rows.at(conn, "/slave_sql_running"), Rows.at(conn, "/gtid_io_pos"),
                                Rows.at(conn, "/using_gtid"), Rows.at(conn, "/seconds_behind_master")));
                    }
                }
            }
            return Rows.print(show.gatectl, t);
        });
    }
}
