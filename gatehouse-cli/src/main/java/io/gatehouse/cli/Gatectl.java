package io.gatehouse.cli;

import io.gatehouse.cli.verbs.ApiCommand;
import io.gatehouse.cli.verbs.ClassifyCommand;
import io.gatehouse.cli.verbs.CallCommand;
import io.gatehouse.cli.verbs.ClearCommand;
import io.gatehouse.cli.verbs.ClusterCommand;
import io.gatehouse.cli.verbs.ListCommand;
import io.gatehouse.cli.verbs.RebalanceCommand;
import io.gatehouse.cli.verbs.ReloadCommand;
import io.gatehouse.cli.verbs.RotateCommand;
import io.gatehouse.cli.verbs.SetCommand;
import io.gatehouse.cli.verbs.StatementsCommand;
import io.gatehouse.cli.verbs.ShowCommand;
import io.gatehouse.cli.verbs.StartCommand;
import io.gatehouse.cli.verbs.StopCommand;
import io.gatehouse.cli.verbs.AlterCommand;
import io.gatehouse.cli.verbs.CreateCommand;
import io.gatehouse.cli.verbs.DestroyCommand;
import io.gatehouse.cli.verbs.FirewallCommand;
import io.gatehouse.cli.verbs.LinkCommand;
import io.gatehouse.cli.verbs.UnlinkCommand;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gatectl}: the command-line client of Gatehouse's admin API, with maxctrl's verbs, options and table
 * layout. Parses the command line (global options may come from maxctrl's configuration file, see
 * {@link ConfigFile}) and runs one verb on the calling thread; every verb talks only HTTP. Exit status 0 on
 * success, 1 when the API refuses or cannot be reached, 2 on a usage error.
 */
@Command(name = "gatectl", description = "Administer Gatehouse through its REST API (maxctrl's commands).",
        subcommands = {ListCommand.class, ShowCommand.class, SetCommand.class, ClearCommand.class, StartCommand.class,
                StopCommand.class, CallCommand.class, CreateCommand.class, AlterCommand.class, DestroyCommand.class,
                LinkCommand.class, UnlinkCommand.class, ReloadCommand.class, RebalanceCommand.class, FirewallCommand.class,
                StatementsCommand.class, ApiCommand.class, ClassifyCommand.class, RotateCommand.class,
                io.gatehouse.cli.verbs.LogPriorityCommand.Enable.class,
                io.gatehouse.cli.verbs.LogPriorityCommand.Disable.class,
                ClusterCommand.class, io.gatehouse.cli.verbs.DebugCommand.class,
                CommandLine.HelpCommand.class},
        versionProvider = Gatectl.Version.class)
public final class Gatectl implements Runnable {
    @Option(names = {"-u", "--user"}, description = "Admin user (default: ${DEFAULT-VALUE})")
    String user = "admin";

    @Option(names = {"-p", "--password"}, description = "Admin password (default: ${DEFAULT-VALUE})")
    String password = "mariadb";

    @Option(names = {"-h", "--hosts"}, split = ",",
            description = "Admin API hosts, host:port, comma separated; the command runs on each (default: ${DEFAULT-VALUE})")
    List<String> hosts = new ArrayList<>(List.of("127.0.0.1:8989"));

    @Option(names = {"-t", "--timeout"}, converter = Durations.class,
            description = "Request timeout: plain milliseconds, or with a suffix h, m, s or ms (default: 10000)")
    long timeoutMillis = 10_000;

    @Option(names = "--tsv", description = "Print tab-separated values instead of tables")
    boolean tsv;

    @Option(names = {"-q", "--quiet"}, description = "Print nothing on success (errors still go to standard error)")
    boolean quiet;

    @Option(names = "--skip-sync", description = "Ask the API not to synchronize this change with other instances"
            + " (adds sync=false to every request)")
    boolean skipSync;

    @Option(names = {"-c", "--config"}, defaultValue = ConfigFile.DEFAULT,
            description = "gatectl/maxctrl configuration file with a [maxctrl] section of global options"
                    + " (default: ${DEFAULT-VALUE}, which may be absent)")
    String config;

    @Option(names = {"-s", "--secure"}, description = "Use HTTPS for the admin API")
    boolean secure;

    @Option(names = {"-n", "--tls-verify-server-cert"}, arity = "0..1", defaultValue = "true", fallbackValue = "true",
            description = "Verify the admin API's certificate and host name: -n false or"
                    + " --tls-verify-server-cert=false turns it off (default: ${DEFAULT-VALUE})")
    boolean tlsVerifyServerCert = true;

    /** yargs, which maxctrl is built on, negates every boolean option with a {@code --no-} prefix. */
    @Option(names = "--no-tls-verify-server-cert", description = "Do not verify the admin API's certificate")
    boolean noTlsVerifyServerCert;

    @Option(names = "--tls-ca-cert", description = "PEM CA certificate that signed the admin API's certificate")
    java.nio.file.Path tlsCaCert;

    @Option(names = "--tls-key", description = "PEM private key of the client certificate (needs --tls-cert)")
    java.nio.file.Path tlsKey;

    @Option(names = "--tls-cert", description = "PEM client certificate presented to the admin API (needs --tls-key)")
    java.nio.file.Path tlsCert;

    @Option(names = "--tls-passphrase", description = "Passphrase of an encrypted --tls-key")
    String tlsPassphrase;

    @Option(names = "--help", usageHelp = true, description = "Show this help")
    boolean help;

    @Option(names = "--version", versionHelp = true, description = "Show the version")
    boolean version;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs a command line with the given output streams; returns the exit status. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Gatectl());
        try {
            cl.setDefaultValueProvider(ConfigFile.defaults(ConfigFile.named(args)));
        } catch (CliException e) {
            err.println("Error: " + e.getMessage());
            err.flush();
            return 1;
        }
        addHelp(cl);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof CliException) {
                err.println("Error: " + e.getMessage());
                return 1;
            }
            throw e;
        });
        int status = cl.execute(args);
        out.flush();
        err.flush();
        return status;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** As in maxctrl, {@code --help} works after any verb ({@code gatectl list servers --help}). */
    private static void addHelp(CommandLine cl) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (sub.getCommandSpec().findOption("--help") == null) {
                sub.getCommandSpec().addOption(CommandLine.Model.OptionSpec.builder("--help").usageHelp(true)
                        .description("Show this help").build());
            }
            addHelp(sub);
        }
    }

    /**
     * Runs {@code action} against every host and prints what each returns (one block per host). As maxctrl does,
     * with several hosts every one must answer before the command runs on any, and each block is headed by its
     * host, so a command is not applied to half a cluster and the output says which answer is whose.
     */
    public void eachHost(Function<AdminClient, String> action) {
        List<AdminClient> clients = new ArrayList<>();
        for (String h : hosts) {
            clients.add(client(h));
        }
        if (clients.size() > 1) {
            for (AdminClient c : clients) {
                c.send("GET", "", null);
            }
        }
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < clients.size(); i++) {
            String block = action.apply(clients.get(i));
            if (clients.size() > 1 && !block.isEmpty()) {
                all.append(hosts.get(i)).append('\n');
            }
            all.append(block);
        }
        print(all.toString());
    }

    /** A client of the admin API at {@code host} with this command line's credentials, timeout and TLS options. */
    public AdminClient client(String host) {
        if ((tlsKey == null) != (tlsCert == null)) {
            throw new CliException(tlsKey == null ? "--tls-cert needs --tls-key" : "--tls-key needs --tls-cert");
        }
        javax.net.ssl.SSLContext tls = secure || host.startsWith("https://")
                ? ClientTls.context(tlsVerifyServerCert && !noTlsVerifyServerCert, tlsCaCert, tlsKey, tlsCert, tlsPassphrase) : null;
        return new AdminClient(host, user, password(), Duration.ofMillis(timeoutMillis), tls, skipSync);
    }

    /** maxctrl's {@code -p ''}: the password is asked on the terminal, or read as the first line of standard input. */
    private String password() {
        if (!password.isEmpty()) {
            return password;
        }
        java.io.Console console = System.console();
        if (console != null) {
            char[] typed = console.readPassword("Enter password: ");
            password = typed == null ? "" : new String(typed);
        } else {
            try {
                String line = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                        java.nio.charset.StandardCharsets.UTF_8)).readLine();
                password = line == null ? "" : line.strip();
            } catch (java.io.IOException e) {
                throw new CliException("could not read the password from standard input: " + e.getMessage());
            }
        }
        return password;
    }

    /** Prints text that is not per host (a report gathered from every host); nothing with {@code --quiet}. */
    public void print(String text) {
        if (quiet) {
            return;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(text);
        out.flush();
    }

    /** The {@code --hosts} list, in order. */
    public List<String> hosts() {
        return hosts;
    }

    public boolean tsv() {
        return tsv;
    }

    /** The version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Gatectl.class.getPackage().getImplementationVersion();
            return new String[] {"gatectl " + (v == null ? "dev" : v)};
        }
    }
}
