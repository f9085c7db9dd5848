package io.gatehouse.cli.verbs;

import io.gatehouse.cli.Gatectl;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code gatectl link service NAME SERVER...} and {@code link monitor NAME SERVER...}: adds servers to a service
 * or monitor (a service that used a cluster switches to the listed servers); prints OK. Runs on the command's
 * thread.
 */
@Command(name = "link", description = "Link objects")
public final class LinkCommand {
    @ParentCommand
    Gatectl gatectl;

    @Command(name = "service", description = "Add servers to a service")
    void service(@Parameters(index = "0", paramLabel = "NAME") String name,
                 @Parameters(index = "1..*", arity = "1..*", paramLabel = "TARGET") List<String> targets) {
        gatectl.eachHost(c -> Links.change(c, "services", name, "servers", targets, true));
    }

    @Command(name = "monitor", description = "Add servers to a monitor")
    void monitor(@Parameters(index = "0", paramLabel = "NAME") String name,
                 @Parameters(index = "1..*", arity = "1..*", paramLabel = "SERVER") List<String> targets) {
        gatectl.eachHost(c -> Links.change(c, "monitors", name, "servers", targets, true));
    }
}
