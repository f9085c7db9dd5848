package io.gatehouse.cli.verbs;

import io.gatehouse.cli.CliException;
import io.gatehouse.cli.Gatectl;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code gatectl destroy server|service|monitor|filter NAME [--force]} and {@code destroy listener [SERVICE] NAME}
 * (maxctrl's form names the service first): sends {@code DELETE}; prints OK. An object still in use is refused by
 * the API unless {@code --force}. {@code destroy user NAME} removes an admin API user, {@code destroy session ID}
 * closes a client session. Runs on the command's thread.
 */
@Command(name = "destroy", description = "Destroy objects")
public final class DestroyCommand {
    @ParentCommand
    Gatectl gatectl;

    private void delete(String path, boolean force) {
        gatectl.eachHost(c -> {
            c.send("DELETE", path + (force ? "?force=yes" : ""), null);
            return "OK\n";
        });
    }

    @Command(name = "server", description = "Destroy a server")
    void server(@Parameters(paramLabel = "NAME") String name,
                @Option(names = "--force", description = "Remove it from services and monitors first") boolean force) {
        delete("servers/" + Paths.segment(name), force);
    }

    @Command(name = "service", description = "Destroy a service")
    void service(@Parameters(paramLabel = "NAME") String name,
                 @Option(names = "--force", description = "Destroy its listeners too") boolean force) {
        delete("services/" + Paths.segment(name), force);
    }

    @Command(name = "monitor", description = "Destroy a monitor")
    void monitor(@Parameters(paramLabel = "NAME") String name,
                 @Option(names = "--force", description = "Unlink its servers first") boolean force) {
        delete("monitors/" + Paths.segment(name), force);
    }

    @Command(name = "filter", description = "Destroy a filter")
    void filter(@Parameters(paramLabel = "NAME") String name,
                @Option(names = "--force", description = "Remove it from services first") boolean force) {
        delete("filters/" + Paths.segment(name), force);
    }

    @Command(name = "listener", description = "Destroy a listener: [SERVICE] NAME")
    void listener(@Parameters(arity = "1..2", paramLabel = "SERVICE_NAME") List<String> names) {
        if (names.size() > 2) {
            throw new CliException("expected [SERVICE] NAME");
        }
        String name = names.get(names.size() - 1);
        delete(names.size() == 2 ? "services/" + Paths.segment(names.get(0)) + "/listeners/" + Paths.segment(name)
                : "listeners/" + Paths.segment(name), false);
    }

    @Command(name = "user", description = "Remove an admin API user")
    void user(@Parameters(paramLabel = "NAME") String name) {
        delete("users/inet/" + Paths.segment(name), false);
    }

    @Command(name = "session", description = "Close client sessions: ID... (client and backend connections)")
    void session(@Parameters(arity = "1..*", paramLabel = "ID") List<String> ids,
                 @Option(names = "--ttl", defaultValue = "0",
                         description = "Seconds each session gets to close gracefully (default: ${DEFAULT-VALUE})")
                 long ttl) {
        gatectl.eachHost(c -> {
            for (String id : ids) {
                c.send("DELETE", "sessions/" + Paths.segment(id) + "?ttl=" + ttl, null);
            }
            return "OK\n";
        });
    }
}
