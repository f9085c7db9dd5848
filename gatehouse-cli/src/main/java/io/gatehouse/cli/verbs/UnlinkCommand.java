package io.gatehouse.cli.verbs;

import io.gatehouse.cli.Gatectl;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code gatectl unlink service NAME SERVER...} and {@code unlink monitor NAME SERVER...}: removes servers from a
 * service or monitor; prints OK. Runs on the command's
 * thread.
 */
@Command(name = "unlink", description = "Unlink objects")
public final class UnlinkCommand {
    @ParentCommand
    Gatectl gatectl;

    @Command(name = "service", description = "Remove servers from a service")
    void service(@Parameters(index = "0", paramLabel = "NAME") String name,
                 @Parameters(index = "1..*", arity = "1..*", paramLabel = "TARGET") List<String> targets) {
        gatectl.eachHost(c -> Links.change(c, "services", name, "servers", targets, false));
    }

    @Command(name = "monitor", description = "Remove servers from a monitor")
    void monitor(@Parameters(index = "0", paramLabel = "NAME") String name,
                 @Parameters(index = "1..*", arity = "1..*", paramLabel = "SERVER") List<String> targets) {
        gatectl.eachHost(c -> Links.change(c, "monitors", name, "servers", targets, false));
    }
}
