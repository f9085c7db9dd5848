package io.gatehouse.routers.readwritesplit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** GTID positions as causal reads compares them: per replication domain, by sequence number. Test thread. */
class GtidPositionTest {
    @Test
    void aPositionCoversWhatEveryDomainHasReached() {
        GtidPosition replica = GtidPosition.parse("0-1-100,1-2-7");
        assertThat(replica.covers(GtidPosition.parse("0-1-100"))).isTrue();
        assertThat(replica.covers(GtidPosition.parse("0-3-99,1-2-7"))).isTrue();
        assertThat(replica.covers(GtidPosition.parse("0-1-101"))).isFalse();
        assertThat(replica.covers(GtidPosition.parse("2-1-1"))).as("a domain it never saw").isFalse();
        assertThat(replica.covers(GtidPosition.EMPTY)).isTrue();
        assertThat(GtidPosition.EMPTY.covers(replica)).isFalse();
    }

    @Test
    void mergingKeepsTheLaterSequenceOfEachDomain() {
        GtidPosition merged = GtidPosition.parse("0-1-5,1-2-9").merge(GtidPosition.parse("0-3-8,2-1-1"));
        assertThat(merged.toString()).isEqualTo("0-3-8,1-2-9,2-1-1");
    }

    @Test
    void unreadablePartsAreSkipped() {
        assertThat(GtidPosition.parse("").isEmpty()).isTrue();
        assertThat(GtidPosition.parse(" 0-1-5 , junk, 1-x-2").toString()).isEqualTo("0-1-5");
        assertThat(CausalMode.of("true")).isEqualTo(CausalMode.LOCAL);
        assertThat(CausalMode.of("OFF")).isEqualTo(CausalMode.NONE);
        assertThat(CausalMode.of("fast_universal").fast()).isTrue();
    }
}
