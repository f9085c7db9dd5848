package io.gatehouse.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drives the real {@code sysbench} OLTP workloads against an {@link Endpoint} and parses its summary; runs on the
 * caller's thread, one sysbench child process at a time, and owns no connections itself.
 *
 * <p>{@link #prepare()} creates the {@code sbtest1..N} tables in the endpoint's database (dropping leftovers of an
 * earlier run first), {@link #run} executes one workload, {@link #cleanup()} drops the tables. Two instances must
 * not share a database at the same time, because sysbench's table names are fixed.
 */
public final class Sysbench {
    /** Where Debian installs it. */
    public static final Path EXECUTABLE = Path.of("/usr/bin/sysbench");

    /** The bundled OLTP scripts this helper knows. */
    public enum Workload {
        OLTP_READ_WRITE, OLTP_READ_ONLY, OLTP_POINT_SELECT;

        String script() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** {@code --db-ps-mode}: {@code AUTO} uses server-side prepared statements, {@code DISABLE} the text protocol. */
    public enum PsMode {
        AUTO, DISABLE;

        String option() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One run's summary.
     *
     * @param ignoredErrors        errors sysbench tolerated and retried (by default only 1213 deadlock, 1020 record
     *                             changed, 1205 lock wait timeout); any other error fails the run
     * @param ignoredErrorsByCode  the same errors by server error code, from sysbench's debug log
     * @param output               the complete sysbench output, for reports
     */
    public record Result(Workload workload, PsMode psMode, int threads, long transactions, double tps, long queries,
                         double qps, long ignoredErrors, Map<Integer, Long> ignoredErrorsByCode, long reconnects,
                         double avgLatencyMs, double p95LatencyMs, double totalTimeSeconds, String output) {
    }

    private static final Pattern TRANSACTIONS = Pattern.compile("transactions:\\s+(\\d+)\\s+\\(([\\d.]+) per sec\\.\\)");
    private static final Pattern QUERIES = Pattern.compile("\\n\\s*queries:\\s+(\\d+)\\s+\\(([\\d.]+) per sec\\.\\)");
    private static final Pattern IGNORED_ERRORS = Pattern.compile("ignored errors:\\s+(\\d+)");
    private static final Pattern RECONNECTS = Pattern.compile("reconnects:\\s+(\\d+)");
    private static final Pattern AVG_LATENCY = Pattern.compile("avg:\\s+([\\d.]+)");
    private static final Pattern P95_LATENCY = Pattern.compile("95th percentile:\\s+([\\d.]+)");
    private static final Pattern IGNORING_ERROR = Pattern.compile("^DEBUG: Ignoring error (\\d+) ");
    private static final Pattern REPEATED = Pattern.compile("^\\(last message repeated (\\d+) times\\)");
    private static final Pattern TOTAL_TIME = Pattern.compile("total time:\\s+([\\d.]+)s");
    private static final Duration SETUP_TIMEOUT = Duration.ofSeconds(120);

    private final Endpoint endpoint;
    private final int tables;
    private final int tableSize;

    /**
     * @param endpoint  where to run; its database must exist
     * @param tables    {@code --tables}
     * @param tableSize {@code --table-size}
     */
    public Sysbench(Endpoint endpoint, int tables, int tableSize) {
        if (endpoint.database() == null) {
            throw new IllegalArgumentException("endpoint: " + endpoint + " (expected: a database for the sbtest tables)");
        }
        if (!Files.isExecutable(EXECUTABLE)) {
            throw new IllegalStateException(EXECUTABLE + " is not installed (Debian/Ubuntu: apt-get install sysbench)");
        }
        this.endpoint = endpoint;
        this.tables = tables;
        this.tableSize = tableSize;
    }

    /** Two tables of 10000 rows: quick to prepare, and few lock conflicts in oltp_read_write with 4 threads. */
    public Sysbench(Endpoint endpoint) {
        this(endpoint, 2, 10_000);
    }

    /** Drops leftover sbtest tables, then creates and fills fresh ones. */
    public void prepare() throws IOException, InterruptedException {
        cleanup();
        check(Subprocess.run(command(Workload.OLTP_READ_WRITE, PsMode.DISABLE, 1, "prepare", List.of()), null,
                SETUP_TIMEOUT));
    }

    /** Drops the sbtest tables (no error if they are absent). */
    public void cleanup() throws IOException, InterruptedException {
        check(Subprocess.run(command(Workload.OLTP_READ_WRITE, PsMode.DISABLE, 1, "cleanup", List.of()), null,
                SETUP_TIMEOUT));
    }

    /** Runs {@code workload} for {@code duration} (whole seconds, at least one) with {@code threads} clients. */
    /** Runs a workload with extra sysbench options (for example {@code --skip_trx=on}). */
    public Result run(Workload workload, PsMode psMode, int threads, Duration duration, List<String> extra)
            throws IOException, InterruptedException {
        List<String> options = new ArrayList<>(extra);
        options.add("--time=" + Math.max(1, duration.toSeconds()));
        options.add("--events=0");
        Subprocess.Output out = Subprocess.run(command(workload, psMode, threads, "run", options), null,
                duration.plusSeconds(60));
        check(out);
        return parse(workload, psMode, threads, out.stdout());
    }

    public Result run(Workload workload, PsMode psMode, int threads, Duration duration)
            throws IOException, InterruptedException {
        return run(workload, psMode, threads, duration, List.of());
    }

    /** Reads the summary sysbench prints at the end of a run. */
    static Result parse(Workload workload, PsMode psMode, int threads, String text) throws IOException {
        Matcher tx = find(TRANSACTIONS, text);
        Matcher q = find(QUERIES, text);
        return new Result(workload, psMode, threads, Long.parseLong(tx.group(1)), Double.parseDouble(tx.group(2)),
                Long.parseLong(q.group(1)), Double.parseDouble(q.group(2)),
                Long.parseLong(find(IGNORED_ERRORS, text).group(1)), ignoredErrorsByCode(text),
                Long.parseLong(find(RECONNECTS, text).group(1)),
                Double.parseDouble(find(AVG_LATENCY, text).group(1)), Double.parseDouble(find(P95_LATENCY, text).group(1)),
                Double.parseDouble(find(TOTAL_TIME, text).group(1)), text);
    }

    private List<String> command(Workload workload, PsMode psMode, int threads, String action, List<String> extra) {
        List<String> command = new ArrayList<>(List.of(EXECUTABLE.toString(), workload.script(),
                "--db-driver=mysql", "--mysql-host=" + endpoint.host(), "--mysql-port=" + endpoint.port(),
                "--mysql-user=" + endpoint.user(), "--mysql-password=" + endpoint.password(),
                "--mysql-db=" + endpoint.database(), "--mysql-ssl=off", "--tables=" + tables,
                "--table-size=" + tableSize, "--threads=" + threads, "--db-ps-mode=" + psMode.option(),
                "--report-interval=0",
                // Debug verbosity makes sysbench name each error it ignores; it adds no per-query output.
                "--verbosity=5"));
        command.addAll(extra);
        command.add(action);
        return command;
    }

    /**
     * Counts the "Ignoring error N" debug lines; sysbench folds repeats of the previous line into
     * "(last message repeated K times)".
     */
    static Map<Integer, Long> ignoredErrorsByCode(String output) {
        Map<Integer, Long> byCode = new TreeMap<>();
        Integer lastCode = null;
        for (String line : output.split("\n")) {
            Matcher ignoring = IGNORING_ERROR.matcher(line);
            Matcher repeated = REPEATED.matcher(line);
            if (ignoring.find()) {
                lastCode = Integer.valueOf(ignoring.group(1));
                byCode.merge(lastCode, 1L, Long::sum);
            } else if (repeated.find()) {
                if (lastCode != null) {
                    byCode.merge(lastCode, Long.parseLong(repeated.group(1)), Long::sum);
                }
            } else if (!line.isBlank()) {
                lastCode = null;
            }
        }
        return byCode;
    }

    private static void check(Subprocess.Output out) throws IOException {
        if (out.exitCode() != 0) {
            throw new IOException("sysbench failed: " + out.describe());
        }
    }

    private static Matcher find(Pattern pattern, String text) throws IOException {
        Matcher m = pattern.matcher(text);
        if (!m.find()) {
            throw new IOException("sysbench summary has no match for /" + pattern + "/:\n" + text);
        }
        return m;
    }
}
