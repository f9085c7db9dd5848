package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The query operators {@code $regex $size $all $elemMatch $type $mod $alwaysTrue $alwaysFalse} and the update operators
 * {@code $rename $mul $min $max $push $addToSet $pop $currentDate $bit} through a {@code nosqlprotocol} listener over a primary with
 * two replicas, with the MongoDB Java driver; each answer is the one MongoDB gives for the same documents. JUnit and
 * driver threads; no Netty buffers of its own.
 */
@ExtendWith(MariaDbExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NosqlOperatorsTest {
    private static final String DB = "nosql_operators";
    private MariaDbCluster cluster;
    private Gatehouse gh;
    private Path dir;
    private MongoClient client;
    private MongoCollection<Document> docs;

    @BeforeAll
    void start(MariaDbCluster c) throws Exception {
        cluster = c;
        dir = Files.createTempDirectory("gatehouse-nosql-operators");
        String cnf = GatehouseExtension.config(c, dir)
                + "[NoSQL-Listener]\ntype=listener\nservice=Split-Service\nprotocol=nosqlprotocol\naddress=127.0.0.1\nport=0\n"
                + "nosqlprotocol.user=" + Accounts.APP_USER + "\nnosqlprotocol.password=" + Accounts.APP_PASSWORD + "\n";
        Path file = dir.resolve("gatehouse.cnf");
        Files.writeString(file, cnf);
        c.primary().execute("DROP DATABASE IF EXISTS " + DB);
        gh = Gatehouse.start(file);
        client = MongoClients.create("mongodb://127.0.0.1:" + gh.port("NoSQL-Listener")
                + "/?directConnection=true&serverSelectionTimeoutMS=20000");
        docs = client.getDatabase(DB).getCollection("docs");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                docs.insertMany(List.of(
                        new Document("_id", 1).append("name", "Alpha").append("n", 7).append("tags", List.of("a", "b"))
                                .append("scores", List.of(70, 85)),
                        new Document("_id", 2).append("name", "beta").append("n", 10.5).append("tags", List.of("b"))
                                .append("scores", List.of(90, 95, 99)).append("items", List.of(
                                        new Document("k", "x").append("q", 1), new Document("k", "y").append("q", 5))),
                        new Document("_id", 3).append("name", "gamma").append("n", "7").append("tags", List.of())
                                .append("flag", true),
                        new Document("_id", 4).append("name", "ALPHABET").append("n", 12)
                                .append("items", List.of(new Document("k", "x").append("q", 9)))));
                break;
            } catch (MongoCommandException e) {
                // The service's accounts come after the start: retry until SQL gets through.
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    @AfterAll
    void stop() {
        if (client != null) {
            client.close();
        }
        if (gh != null) {
            gh.close();
        }
        if (cluster != null) {
            cluster.primary().execute("DROP DATABASE IF EXISTS " + DB);
        }
        TempDirs.delete(dir);
    }

    private List<Integer> ids(Bson filter) {
        List<Integer> out = new ArrayList<>();
        docs.find(filter).sort(new Document("_id", 1)).forEach(d -> out.add(d.getInteger("_id")));
        return out;
    }

    @Test
    void queryOperatorsSelectWhatMongoDbSelects() {
        assertThat(ids(Filters.regex("name", "^alpha"))).isEmpty();
        assertThat(ids(Filters.regex("name", "^alpha", "i"))).containsExactly(1, 4);
        assertThat(ids(Filters.eq("name", Pattern.compile("a$")))).containsExactly(1, 2, 3);
        assertThat(ids(Filters.eq("name", Pattern.compile("^[a-z]+a$")))).containsExactly(2, 3);
        assertThat(ids(Filters.size("tags", 1))).containsExactly(2);
        assertThat(ids(Filters.size("tags", 0))).containsExactly(3);
        assertThat(ids(Filters.all("tags", List.of("a", "b")))).containsExactly(1);
        assertThat(ids(Filters.all("tags", List.of("b")))).containsExactly(1, 2);
        assertThat(ids(Filters.elemMatch("scores", new Document("$gte", 80).append("$lt", 86)))).containsExactly(1);
        assertThat(ids(Filters.elemMatch("items", new Document("k", "x").append("q", new Document("$gt", 3)))))
                .containsExactly(4);
        assertThat(ids(Filters.elemMatch("scores", new Document("$ne", 90)))).containsExactly(1, 2);
        assertThat(ids(Filters.type("n", "string"))).containsExactly(3);
        assertThat(ids(Filters.type("n", "double"))).containsExactly(2);
        assertThat(ids(new Document("n", new Document("$type", "number")))).containsExactly(1, 2, 4);
        assertThat(ids(new Document("flag", new Document("$type", 8)))).containsExactly(3);
        assertThat(ids(Filters.mod("n", 5, 2))).containsExactly(1, 4);
        assertThat(ids(Filters.mod("n", 5, 0))).containsExactly(2);
        assertThat(ids(new Document("$alwaysTrue", 1))).containsExactly(1, 2, 3, 4);
        assertThat(ids(new Document("$alwaysFalse", 1))).isEmpty();
        assertThatThrownBy(() -> ids(Filters.mod("n", 0, 1)))
                .isInstanceOfSatisfying(MongoCommandException.class, e -> assertThat(e.getErrorMessage()).contains("divisor"));
        assertThatThrownBy(() -> ids(new Document("n", new Document("$type", "javascript"))))
                .isInstanceOfSatisfying(MongoCommandException.class, e -> assertThat(e.getErrorMessage()).contains("$type"));
    }

    @Test
    void updateOperatorsChangeWhatMongoDbChanges() {
        MongoCollection<Document> u = client.getDatabase(DB).getCollection("updates");
        u.insertOne(new Document("_id", "d").append("a", 3).append("b", 10).append("s", "m").append("list", List.of(1, 2, 3))
                .append("old", "x").append("bits", 12));
        u.updateOne(Filters.eq("_id", "d"), Updates.combine(Updates.mul("a", 2), Updates.mul("missing", 4),
                Updates.rename("old", "renamed"), Updates.min("b", 4), Updates.max("s", "z"),
                Updates.push("list", 4), Updates.pushEach("fresh", List.of("p", "q")), Updates.currentDate("when"),
                Updates.bitwiseAnd("bits", 10)));
        Document d = u.find(Filters.eq("_id", "d")).first();
        assertThat(d.get("a")).isEqualTo(6);
        assertThat(((Number) d.get("missing")).intValue()).isEqualTo(0);
        assertThat(d.containsKey("old")).isFalse();
        assertThat(d.getString("renamed")).isEqualTo("x");
        assertThat(d.get("b")).isEqualTo(4);
        assertThat(d.getString("s")).isEqualTo("z");
        assertThat(d.getList("list", Integer.class)).containsExactly(1, 2, 3, 4);
        assertThat(d.getList("fresh", String.class)).containsExactly("p", "q");
        assertThat(d.getDate("when")).isCloseTo(new Date(), Duration.ofMinutes(10).toMillis());
        assertThat(((Number) d.get("bits")).intValue()).isEqualTo(8);

        // $min/$max keep what is already lower/higher; $pop takes from either end.
        u.updateOne(Filters.eq("_id", "d"), Updates.combine(Updates.min("b", 100), Updates.max("a", 1),
                Updates.popFirst("list"), Updates.popLast("fresh")));
        d = u.find(Filters.eq("_id", "d")).first();
        assertThat(d.get("b")).isEqualTo(4);
        assertThat(d.get("a")).isEqualTo(6);
        assertThat(d.getList("list", Integer.class)).containsExactly(2, 3, 4);
        assertThat(d.getList("fresh", String.class)).containsExactly("p");

        // $addToSet adds only what is not there yet (once each); $push leaves a field that is not an array alone.
        u.updateOne(Filters.eq("_id", "d"), Updates.combine(Updates.addEachToSet("list", List.of(3, 5, 5, 6)),
                Updates.addToSet("fresh", "p"), Updates.addToSet("set", new Document("k", 1)), Updates.push("a", 7)));
        d = u.find(Filters.eq("_id", "d")).first();
        assertThat(d.getList("list", Integer.class)).containsExactly(2, 3, 4, 5, 6);
        assertThat(d.getList("fresh", String.class)).containsExactly("p");
        assertThat(d.getList("set", Document.class)).containsExactly(new Document("k", 1));
        assertThat(d.get("a")).isEqualTo(6);

        assertThatThrownBy(() -> u.updateOne(Filters.eq("_id", "d"), new Document("$mul", new Document("a", "two"))))
                .hasMessageContaining("non-numeric");
        assertThatThrownBy(() -> u.updateOne(Filters.eq("_id", "d"), Updates.rename("a", "_id")))
                .hasMessageContaining("$rename");
    }
}
