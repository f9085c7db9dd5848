package io.gatehouse.tests;

import io.gatehouse.cli.Gatectl;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the gatectl tests share: gatectl's entry point run in this JVM against a Gatehouse's admin API, and the
 * configuration of a Gatehouse with its admin API on a free port over the test kit's cluster. JUnit test thread; it
 * owns no Netty buffers.
 */
final class GatectlRunner {
    /** One gatectl run: its exit status and what it printed. */
    record Run(int status, String out, String err) {
    }

    private GatectlRunner() {
    }

    /** Runs gatectl {@code args} with a 30 s timeout, against {@code gatehouse}'s admin API unless they name hosts. */
    static Run run(Gatehouse gatehouse, String... args) {
        List<String> all = new ArrayList<>(List.of("--timeout", "30000"));
        if (!Arrays.asList(args).contains("--hosts")) {
            all.addAll(List.of("--hosts", "127.0.0.1:" + gatehouse.admin().port()));
        }
        all.addAll(Arrays.asList(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Gatectl.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Run(status, out.toString(), err.toString());
    }

    /**
     * The {@code [maxscale]} section (admin API on a free port, every directory in {@code dir}), a server section for
     * each server of {@code cluster} and a mariadbmon monitor {@code MariaDB-Monitor} over them; services follow.
     */
    static StringBuilder clusterConfig(MariaDbCluster cluster, Path dir) {
        StringBuilder sb = new StringBuilder("[maxscale]\nthreads=2\nadmin_port=0\nlogdir=" + dir + "\ndatadir=" + dir
                + "\npersistdir=" + dir + "\npiddir=" + dir + "\n\n");
        List<String> names = new ArrayList<>();
        for (MariaDbServer s : cluster.servers()) {
            sb.append('[').append(s.name()).append("]\ntype=server\naddress=127.0.0.1\nport=").append(s.port())
                    .append("\n\n");
            names.add(s.name());
        }
        sb.append("[MariaDB-Monitor]\ntype=monitor\nmodule=mariadbmon\nservers=").append(String.join(",", names))
                .append('\n').append(credentials()).append("monitor_interval=500ms\nbackend_read_timeout=10s\n\n");
        return sb;
    }

    /** The service account's {@code user} and {@code password} lines. */
    static String credentials() {
        return "user=" + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD + "\n";
    }
}
