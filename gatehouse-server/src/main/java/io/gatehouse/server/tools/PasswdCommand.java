package io.gatehouse.server.tools;

import io.gatehouse.core.secrets.PasswordCipher;
import io.gatehouse.core.secrets.SecretsFile;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gatehouse-passwd [-i] [--key-dir DIR] [PASSWORD]}: prints the encrypted form of a password for the
 * configuration, with the key file made by {@code gatehouse-keys} (MaxScale's {@code maxpasswd}). With {@code -i}
 * or without a PASSWORD argument it reads the password from standard input, so it stays out of the shell history.
 * Runs on the command's main thread.
 */
@Command(name = "gatehouse-passwd", mixinStandardHelpOptions = true,
        description = "Encrypt a password for the configuration file.")
public final class PasswdCommand implements Callable<Integer> {
    @Option(names = {"-d", "--key-dir"}, paramLabel = "DIR", description = "Directory (or file) of the key (default: ${DEFAULT-VALUE})")
    Path keyDir = Path.of("/var/lib/gatehouse");

    @Option(names = {"-i", "--interactive"}, description = "Read the password from standard input")
    boolean stdin;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PASSWORD")
    String password;

    public static void main(String[] args) {
        System.exit(new CommandLine(new PasswdCommand()).execute(args));
    }

    @Override
    public Integer call() {
        try {
            SecretsFile.Keys keys = SecretsFile.read(keyDir);
            if (keys == null) {
                System.err.println("gatehouse-passwd: no key file at " + SecretsFile.locate(keyDir)
                        + "; create one with gatehouse-keys");
                return 1;
            }
            String plain = password;
            if (stdin || plain == null) {
                plain = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                if (plain == null) {
                    System.err.println("gatehouse-passwd: no password on standard input");
                    return 1;
                }
            }
            System.out.println(PasswordCipher.encrypt(keys, plain));
            return 0;
        } catch (Exception e) {
            System.err.println("gatehouse-passwd: " + e.getMessage());
            return 1;
        }
    }
}
