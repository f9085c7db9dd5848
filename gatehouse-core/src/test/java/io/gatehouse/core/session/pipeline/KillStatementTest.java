package io.gatehouse.core.session.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The KILL forms Gatehouse answers itself, and the ones it must leave to the backend. */
class KillStatementTest {
    private static KillStatement parse(String sql) {
        ByteBuf b = Unpooled.copiedBuffer(sql, StandardCharsets.UTF_8);
        try {
            return KillStatement.parse(b, 0, b.writerIndex());
        } finally {
            b.release();
        }
    }

    @Test
    void recognisesConnectionAndQueryKills() {
        assertThat(parse("KILL 1073741825")).isEqualTo(new KillStatement(false, 1073741825L));
        assertThat(parse("kill connection 7;")).isEqualTo(new KillStatement(false, 7));
        assertThat(parse("  /* why */ KILL HARD QUERY 12 ")).isEqualTo(new KillStatement(true, 12));
        assertThat(parse("-- c\nKILL SOFT 5")).isEqualTo(new KillStatement(false, 5));
        assertThat(parse("# c\nkill query 9")).isEqualTo(new KillStatement(true, 9));
    }

    @Test
    void leavesOtherFormsAndOtherStatementsAlone() {
        assertThat(parse("KILL USER app")).isNull();
        assertThat(parse("KILL QUERY ID 55")).isNull();
        assertThat(parse("KILL 5; SELECT 1")).isNull();
        assertThat(parse("SELECT 'KILL 5'")).isNull();
        assertThat(parse("KILLER 5")).isNull();
        assertThat(parse("KILL")).isNull();
        assertThat(parse("KILL 99999999999999999999999")).isNull();
    }
}
