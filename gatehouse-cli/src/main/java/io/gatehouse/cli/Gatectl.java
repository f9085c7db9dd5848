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
 * layout. Parses the command line and runs one verb on the calling thread; every verb talks only HTTP. Exit status
 * 0 on success, 1 when the API refuses or cannot be reached.
 */
@Command(name = "gatectl", description = "Administer Gatehouse through its REST API (maxctrl's commands).",
        subcommands = {ListCommand.class, ShowCommand.class, SetCommand.class, ClearCommand.class, StartCommand.class,
                StopCommand.class, CallCommand.class, CreateCommand.class, AlterCommand.class, DestroyCommand.class,
                LinkCommand.class, UnlinkCommand.class, ReloadCommand.class, RebalanceCommand.class, FirewallCommand.class,
                StatementsCommand.class, ApiCommand.class, ClassifyCommand.class, RotateCommand.class,
                io.gatehouse.cli.verbs.LogPriorityCommand.Enable.class,
                io.gatehouse.cli.verbs.LogPriorityCommand.Disable.class,
                ClusterCommand.class,
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

    @Option(names = {"-t", "--timeout"}, description = "Request timeout in milliseconds (default: ${DEFAULT-VALUE})")
    long timeoutMillis = 10_000;

    @Option(names = "--tsv", description = "Print tab-separated values instead of tables")
    boolean tsv;

    @Option(names = {"-s", "--secure"}, description = "Use HTTPS for the admin API")
    boolean secure;

    @Option(names = {"-n", "--tls-verify-server-cert"}, arity = "1", defaultValue = "true",
            description = "Verify the admin API's certificate and host name (default: ${DEFAULT-VALUE})")
    boolean tlsVerifyServerCert = true;

    @Option(names = "--tls-ca-cert", description = "PEM CA certificate that signed the admin API's certificate")
    java.nio.file.Path tlsCaCert;

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

    /** Runs {@code action} against every host and prints what each returns (one block per host). */
    public void eachHost(Function<AdminClient, String> action) {
        PrintWriter out = spec.commandLine().getOut();
        for (String h : hosts) {
            out.print(action.apply(client(h)));
        }
        out.flush();
    }

    /** A client of the admin API at {@code host} with this command line's credentials, timeout and TLS options. */
    public AdminClient client(String host) {
        javax.net.ssl.SSLContext tls = secure || host.startsWith("https://")
                ? ClientTls.context(tlsVerifyServerCert, tlsCaCert) : null;
        return new AdminClient(host, user, password, Duration.ofMillis(timeoutMillis), tls);
    }

    /** Prints text that is not per host (a report gathered from every host). */
    public void print(String text) {
        PrintWriter out = spec.commandLine().getOut();
        out.print(text);
        out.flush();
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
