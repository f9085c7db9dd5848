package io.gatehouse.monitors.mariadbmon;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The GTID comparisons that decide failover candidates, safe failover and rejoin. Pure; JUnit thread. */
class GtidTest {

    @Test
    void coversComparesEveryDomain() {
        Gtid a = Gtid.parse("0-1-10,1-2-5");
        assertThat(a.covers(Gtid.parse("0-3-10"))).isTrue();
        assertThat(a.covers(Gtid.parse("0-1-11"))).isFalse();
        assertThat(a.covers(Gtid.parse("2-1-1"))).isFalse();
        assertThat(a.firstMissing(Gtid.parse("0-1-9,1-2-6")).toString()).isEqualTo("1-2-6");
        assertThat(Gtid.EMPTY.covers(Gtid.EMPTY)).isTrue();
    }

    @Test
    void garbageIsSkippedNotFatal() {
        assertThat(Gtid.parse("0-1-x, 0-1-7 ,junk").toString()).isEqualTo("0-1-7");
        assertThat(Gtid.parse(null).isEmpty()).isTrue();
    }

    @Test
    void oldPrimaryThatGotEverythingReplicatedMayRejoin() {
        // The old primary (server 1) wrote up to 57; server 2 took over and wrote on.
        Gtid newPrimaryState = Gtid.parse("0-1-57,0-2-80");
        assertThat(Gtid.parse("0-1-57").divergenceFrom(newPrimaryState)).isNull();
        assertThat(Gtid.parse("0-1-40").divergenceFrom(newPrimaryState)).isNull();
    }

    @Test
    void transactionsThePrimaryNeverHadMeanDivergence() {
        Gtid newPrimaryState = Gtid.parse("0-1-57,0-2-80");
        // Same domain sequence range, but from the old primary after the new one took over: not in the history.
        assertThat(Gtid.parse("0-1-58").divergenceFrom(newPrimaryState)).contains("0-1-58");
        // A replica that wrote on its own.
        assertThat(Gtid.parse("0-3-60").divergenceFrom(newPrimaryState)).contains("0-3-60");
        // Ahead of the primary.
        assertThat(Gtid.parse("0-2-81").divergenceFrom(newPrimaryState)).contains("only at 80");
        assertThat(Gtid.parse("5-2-1").divergenceFrom(newPrimaryState)).contains("domain 5");
    }
}
