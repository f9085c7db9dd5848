package io.gatehouse.cli.verbs;

import io.gatehouse.cli.Gatectl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code gatectl reload tls} through {@code POST /v1/maxscale/tls/reload} (every TLS listener and server reads its
 * certificate files again) and {@code gatectl reload service NAME} through {@code POST /v1/services/NAME/reload}
 * (the service's user accounts are loaded again); each prints OK. Runs on the command's thread.
 */
@Command(name = "reload", description = "Reload something at runtime")
public final class ReloadCommand {
    @ParentCommand
    Gatectl gatectl;

    @Command(name = "tls", description = "Reload the TLS certificates of listeners and servers")
    void tls() {
        gatectl.eachHost(c -> {
            c.send("POST", "maxscale/tls/reload", null);
            return "OK\n";
        });
    }

    @Command(name = "service", description = "Reload the user accounts of a service (and its user_accounts_file)")
    void service(@Parameters(paramLabel = "SERVICE", description = "Service name") String name) {
        gatectl.eachHost(c -> {
            c.send("POST", "services/" + name + "/reload", null);
            return "OK\n";
        });
    }
}
