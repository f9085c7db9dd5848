package io.gatehouse.server.tools;

import io.gatehouse.core.secrets.SecretsFile;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code gatehouse-keys [DIR]}: makes the password encryption key file {@code DIR/.secrets} (default: the data
 * directory {@code /var/lib/gatehouse}), readable by its owner only, in MaxScale's format so that {@code maxkeys}
 * users find what they know. Runs on the command's main thread.
 */
@Command(name = "gatehouse-keys", mixinStandardHelpOptions = true,
        description = "Create the key file that encrypts passwords in the configuration (DIR/.secrets).")
public final class KeysCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "Directory of the key file (default: ${DEFAULT-VALUE})")
    Path dir = Path.of("/var/lib/gatehouse");

    public static void main(String[] args) {
        System.exit(new CommandLine(new KeysCommand()).execute(args));
    }

    @Override
    public Integer call() {
        try {
            Path file = SecretsFile.create(dir);
            System.out.println("Created " + file + ". Run Gatehouse as the user that owns it.");
            return 0;
        } catch (Exception e) {
            System.err.println("gatehouse-keys: " + e.getMessage());
            return 1;
        }
    }
}
