package io.gatehouse.protocols.nosql.command;

import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Cursor batches: counts, the byte limit of a reply, and the end of a cursor. */
class CursorsTest {

    @Test
    void batchesStopBeforeTheReplyLimitAndTheCursorEndsWithTheLastDocument() {
        String big = "x".repeat(5 * 1024 * 1024);
        List<BsonDocument> docs = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            docs.add(new BsonDocument("_id", new BsonInt32(i)).append("blob", new BsonString(big)));
        }
        Cursors cursors = new Cursors(Duration.ofMinutes(1));
        BsonDocument first = cursors.first("d.c", docs, 101, false);
        assertThat(first.getArray("firstBatch")).hasSize(3);      // a fourth 5 MiB document would pass 16 MiB
        long id = first.getInt64("id").getValue();
        assertThat(cursors.next(id, 0).getArray("nextBatch")).hasSize(3);
        BsonDocument last = cursors.next(id, 0);
        assertThat(last.getArray("nextBatch")).hasSize(1);
        assertThat(last.getInt64("id").getValue()).isZero();
        assertThat(cursors.next(id, 0)).isNull();

        BsonDocument single = cursors.first("d.c", docs.subList(0, 2), 1, true);
        assertThat(single.getArray("firstBatch")).hasSize(1);
        assertThat(single.getInt64("id").getValue()).as("singleBatch keeps no cursor").isZero();
        assertThat(cursors.size()).isZero();
    }
}
