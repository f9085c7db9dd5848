package io.gatehouse.cli.verbs;

import io.gatehouse.cli.Gatectl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code gatectl reload tls} through {@code POST /v1/maxscale/tls/reload} (every TLS listener and server reads its
 * certificate files again) and {@code gatectl reload service NAME} through {@code POST /v1/services/NAME/reload}
 * (the service's user accounts are loaded again), and maxctrl's {@code reload session ID} and {@code reload sessions}
 * through {@code POST /v1/sessions/ID/restart} and {@code POST /v1/sessions/restart} (a session makes its filter and
 * router sessions again from its service's current configuration at its next quiet point, its client staying
 * connected); each prints OK. Runs on the command's thread.
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

    @Command(name = "session", description = "Reload the configuration of a session (restart it): ID")
    void session(@Parameters(paramLabel = "ID", description = "Session ID") String id) {
        gatectl.eachHost(c -> {
            c.send("POST", "sessions/" + Paths.segment(id) + "/restart", null);
            return "OK\n";
        });
    }

    @Command(name = "sessions", description = "Reload the configuration of every session (restart them)")
    void sessions() {
        gatectl.eachHost(c -> {
            c.send("POST", "sessions/restart", null);
            return "OK\n";
        });
    }
}
