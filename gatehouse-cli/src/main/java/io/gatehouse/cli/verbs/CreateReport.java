package io.gatehouse.cli.verbs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.cli.CliException;
import io.gatehouse.cli.output.JsonText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code gatectl create report [FILE] [--lines N]}: the state of every object (maxscale, servers, services,
 * monitors, listeners, filters, sessions, threads, modules, users, logging and the last log lines) as one JSON
 * object keyed by resource, for diagnosis with jq; written to FILE, or to standard output without one. With
 * several hosts the object has one such report per host. Runs on the command's thread.
 */
@Command(name = "report", description = "Write a JSON report of the state of every object: [FILE] [--lines N]")
public final class CreateReport implements Runnable {
    private static final String[][] PARTS = {{"maxscale", "maxscale"}, {"servers", "servers"},
        {"services", "services"}, {"monitors", "monitors"}, {"listeners", "listeners"}, {"filters", "filters"},
        {"sessions", "sessions"}, {"threads", "maxscale/threads"}, {"modules", "maxscale/modules"},
        {"users", "users/inet"}, {"logging", "maxscale/logs"}};

    @ParentCommand
    CreateCommand create;

    @Parameters(paramLabel = "FILE", arity = "0..1", description = "Where to write it (default: standard output)")
    Path file;

    @Option(names = "--lines", defaultValue = "1000", description = "How many log lines to include (default: ${DEFAULT-VALUE})")
    int lines;

    @Option(names = "--archive", description = "Write a tar of the report and this machine's configuration, log and"
            + " system files (passwords hidden); the hosts must be local")
    boolean archive;

    /** maxctrl's --archive: only for a Gatehouse on this machine, since the files are read here. */
    private void requireLocalHosts() {
        for (String h : create.gatectl.hosts()) {
            String host = h.replaceFirst("^https?://", "");
            if (!host.startsWith("127.0.0.1") && !host.startsWith("localhost") && !host.startsWith("[::1]")) {
                throw new CliException("--archive must be used on the machine Gatehouse runs on: --hosts must point"
                        + " to localhost or 127.0.0.1, not " + h);
            }
        }
    }

    private void writeArchive(String report) {
        var c = create.gatectl.client(create.gatectl.hosts().get(0));
        String persist = c.get("maxscale").at("/data/attributes/parameters/persistdir").asText(null);
        String log = c.get("maxscale/logs").at("/data/attributes/log_file").asText(null);
        byte[] tar = ReportArchive.build(report, persist, log);
        if (file == null) {
            System.out.write(tar, 0, tar.length);
            System.out.flush();
            return;
        }
        ReportArchive.write(file, tar);
        create.gatectl.print("OK\n");
    }

    @Override
    public void run() {
        if (archive) {
            requireLocalHosts();
        }
        Map<String, ObjectNode> reports = new LinkedHashMap<>();
        create.gatectl.eachHost(c -> {
            ObjectNode r = JsonText.MAPPER.createObjectNode();
            for (String[] p : PARTS) {
                r.set(p[0], c.get(p[1]));
            }
            r.set("logs", c.get("maxscale/logs/data?page%5Bsize%5D=" + Math.max(1, lines)));
            reports.put(c.base(), r);
            return "";
        });
        ObjectNode out;
        if (reports.size() == 1) {
            out = reports.values().iterator().next();
        } else {
            out = JsonText.MAPPER.createObjectNode();
            reports.forEach(out::set);
        }
        String text = JsonText.pretty(out).stripTrailing() + "\n";
        if (archive) {
            writeArchive(text);
            return;
        }
        if (file == null) {
            create.gatectl.print(text);
            return;
        }
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliException("cannot write the report to " + file + ": " + e.getMessage());
        }
        create.gatectl.print("OK\n");
    }
}
