package io.gatehouse.cli.verbs;

import io.gatehouse.cli.Gatectl;
import io.gatehouse.cli.output.JsonText;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code gatectl call command MODULE COMMAND [ARGS...]}: runs a module command (e.g. {@code mariadbmon switchover
 * MONITOR [NEW] [OLD]}) through {@code POST /v1/maxscale/modules/MODULE/COMMAND?ARG1&ARG2}; prints what it returns,
 * or OK. Runs on the command's thread.
 */
@Command(name = "call", description = "Call a module command")
public final class CallCommand {
    @ParentCommand
    Gatectl gatectl;

    @Command(name = "command", description = "Call a module command")
    void command(@Parameters(index = "0", paramLabel = "MODULE") String module,
                 @Parameters(index = "1", paramLabel = "COMMAND") String command,
                 @Parameters(index = "2..*", paramLabel = "ARGS") List<String> args) {
        List<String> encoded = new ArrayList<>();
        if (args != null) {
            args.forEach(a -> encoded.add(Paths.segment(a)));
        }
        String path = "maxscale/modules/" + Paths.segment(module) + "/" + Paths.segment(command)
                + (encoded.isEmpty() ? "" : "?" + String.join("&", encoded));
        gatectl.eachHost(c -> {
            String body = c.send("POST", path, null);
            var meta = JsonText.parse(body).path("meta");
            return meta.isMissingNode() ? "OK\n" : JsonText.text(meta) + "\n";
        });
    }
}
