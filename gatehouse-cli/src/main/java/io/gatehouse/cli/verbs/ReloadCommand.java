package io.gatehouse.cli.verbs;

import io.gatehouse.cli.Gatectl;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code gatectl reload tls} through {@code POST /v1/maxscale/tls/reload}: every TLS listener and server reads its
 * certificate files again; prints OK. Runs on the command's thread.
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
}
