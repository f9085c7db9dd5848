package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.ClientOptions;
import io.gatehouse.protocol.client.ServerErrorException;
import io.gatehouse.testkit.MariaDbServer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * readwritesplit under load and under locks: sysbench's read-only workload without transactions spreads its reads
 * over both replicas, and {@code SELECT ... FOR UPDATE} takes its lock on the primary, where another session
 * waits for it. JUnit test thread.
 */
@ExtendWith(GatehouseExtension.class)
class ReadWriteSplitLoadTest {
    private final GatehouseExtension.RunningGatehouse gh;

    ReadWriteSplitLoadTest(GatehouseExtension.RunningGatehouse gh) {
        this.gh = gh;
    }

    private static long selects(MariaDbServer s) {
        return Long.parseLong(s.query("SHOW GLOBAL STATUS LIKE 'Com_select'").get(0).get(1));
    }

    @Test
    void readOnlyWorkloadSpreadsReadsOverTheReplicas() throws Exception {
        Sysbench bench = new Sysbench(gh.split(), 2, 1000);
        bench.prepare();
        try {
            Map<String, Long> before = new HashMap<>();
            for (MariaDbServer r : gh.cluster().replicas()) {
                before.put(r.name(), selects(r));
            }
            Sysbench.Result result = bench.run(Sysbench.Workload.OLTP_READ_ONLY, Sysbench.PsMode.DISABLE, 4,
                    Duration.ofSeconds(4), List.of("--skip_trx=on"));
            assertThat(result.ignoredErrors()).isZero();
            assertThat(result.reconnects()).isZero();
            long total = 0;
            Map<String, Long> delta = new HashMap<>();
            for (MariaDbServer r : gh.cluster().replicas()) {
                long d = selects(r) - before.get(r.name());
                delta.put(r.name(), d);
                total += d;
            }
            assertThat(total).isPositive();
            for (long d : delta.values()) {
                assertThat(d).as("reads per replica %s of %d", delta, total).isGreaterThanOrEqualTo(total / 4);
            }
        } finally {
            bench.cleanup();
        }
    }

    @Test
    void selectForUpdateLocksOnThePrimary() throws Exception {
        Endpoint e = gh.split();
        ClientOptions opts = ClientOptions.tcp(e.host(), e.port(), e.user(), e.password()).withDatabase(e.database())
                .withTimeouts(Duration.ofSeconds(20));
        try (BlockingClient holder = BlockingClient.connect(opts); BlockingClient other = BlockingClient.connect(opts)) {
            holder.execute("CREATE TABLE IF NOT EXISTS rws_lock (id INT PRIMARY KEY, v INT)");
            holder.execute("REPLACE INTO rws_lock VALUES (1, 0)");
            holder.execute("SET autocommit = 0");
            assertThat(holder.query("SELECT v FROM rws_lock WHERE id = 1 FOR UPDATE").scalar()).isEqualTo("0");
            other.execute("SET SESSION innodb_lock_wait_timeout = 1");
            assertThatThrownBy(() -> other.execute("UPDATE rws_lock SET v = 2 WHERE id = 1"))
                    .isInstanceOfSatisfying(ServerErrorException.class, x -> assertThat(x.code()).isEqualTo(1205));
            holder.execute("COMMIT");
            other.execute("UPDATE rws_lock SET v = 3 WHERE id = 1");
            assertThat(other.query("SELECT v FROM rws_lock WHERE id = 1").scalar()).isEqualTo("3");
        }
    }
}
