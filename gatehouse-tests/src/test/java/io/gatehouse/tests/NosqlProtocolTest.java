package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.ConnectionString;
import com.mongodb.ErrorCategory;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import com.mongodb.client.result.UpdateResult;
import com.mongodb.connection.ServerMonitoringMode;
import com.mongodb.event.ServerHeartbeatFailedEvent;
import com.mongodb.event.ServerHeartbeatSucceededEvent;
import com.mongodb.event.ServerMonitorListener;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import io.gatehouse.testkit.MariaDbServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The official MongoDB Java driver against a {@code protocol=nosqlprotocol} listener of a readwritesplit service
 * over a primary with two replicas: CRUD, a cursor read with getMore, errors, and where statements went (writes to
 * the primary, reads to a replica), and the awaitable hello of the driver's server monitor. JUnit test thread and the
 * driver's threads; no Netty buffers of its own.
 */
@ExtendWith(MariaDbExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NosqlProtocolTest {
    private static final String DB = "nosql_e2e";
    private MariaDbCluster cluster;
    private Gatehouse gh;
    private Path dir;
    private MongoClient client;

    @BeforeAll
    void start(MariaDbCluster c) throws Exception {
        cluster = c;
        dir = Files.createTempDirectory("gatehouse-nosql");
        String cnf = GatehouseExtension.config(c, dir)
                + "[NoSQL-Listener]\ntype=listener\nservice=Split-Service\nprotocol=nosqlprotocol\naddress=127.0.0.1\nport=0\n"
                + "nosqlprotocol.user=" + Accounts.APP_USER + "\nnosqlprotocol.password=" + Accounts.APP_PASSWORD + "\n";
        Path file = dir.resolve("gatehouse.cnf");
        Files.writeString(file, cnf);
        c.primary().execute("DROP DATABASE IF EXISTS " + DB);
        gh = Gatehouse.start(file);
        client = MongoClients.create("mongodb://127.0.0.1:" + gh.port("NoSQL-Listener")
                + "/?directConnection=true&serverSelectionTimeoutMS=20000");
        awaitServed();
    }

    /** The monitor's first pass and the service's user accounts come after the start: wait until SQL gets through. */
    private void awaitServed() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                client.getDatabase("admin").runCommand(new Document("listDatabases", 1));
                return;
            } catch (MongoCommandException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            Thread.sleep(200);
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

    private MongoDatabase db() {
        return client.getDatabase(DB);
    }

    @Test
    void crudThroughTheDriverLandsInMariaDbTables() {
        MongoCollection<Document> people = db().getCollection("people");
        people.insertOne(new Document("_id", "ann").append("age", 31).append("tags", List.of("a", "b")));
        people.insertMany(List.of(new Document("_id", "bob").append("age", 25), new Document("_id", "cid").append("age", 40)));
        // The documents are rows of the table MaxScale's layout gives a collection, on the primary.
        assertThat(cluster.primary().queryValue("SELECT COUNT(*) FROM " + DB + ".people")).isEqualTo("3");
        assertThat(cluster.primary().queryValue("SELECT id FROM " + DB + ".people WHERE JSON_VALUE(doc, '$.age') = 25"))
                .isEqualTo("\"bob\"");

        assertThat(people.find(Filters.gt("age", 30)).sort(Sorts.ascending("age")).into(new ArrayList<>()))
                .extracting(d -> d.getString("_id")).containsExactly("ann", "cid");
        assertThat(people.countDocuments(Filters.in("_id", List.of("ann", "bob")))).isEqualTo(2);

        assertThat(people.updateOne(Filters.eq("_id", "bob"), Updates.inc("age", 1)).getMatchedCount()).isEqualTo(1);
        assertThat(people.find(Filters.eq("_id", "bob")).first().getInteger("age")).isEqualTo(26);
        Document upserted = people.findOneAndUpdate(Filters.eq("_id", "dan"), Updates.set("age", 50),
                new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER));
        assertThat(upserted.getInteger("age")).isEqualTo(50);
        assertThat(people.deleteMany(Filters.gte("age", 40)).getDeletedCount()).isEqualTo(2);
        assertThat(people.distinct("_id", String.class).into(new ArrayList<>())).containsExactlyInAnyOrder("ann", "bob");
        assertThat(db().listCollectionNames().into(new ArrayList<>())).contains("people");
    }

    @Test
    void anUpdateCountsMatchedAndChangedDocumentsApart() {
        MongoCollection<Document> counts = db().getCollection("counts");
        counts.insertMany(List.of(new Document("_id", 1).append("v", 7), new Document("_id", 2).append("v", 7),
                new Document("_id", 3).append("v", 8)));
        // Setting the value a document already has matches it without changing it: n 1, nModified 0, as MongoDB says.
        UpdateResult same = counts.updateOne(Filters.eq("_id", 1), Updates.set("v", 7));
        assertThat(same.getMatchedCount()).isEqualTo(1);
        assertThat(same.getModifiedCount()).isZero();
        UpdateResult some = counts.updateMany(Filters.in("_id", List.of(1, 2, 3)), Updates.set("v", 8));
        assertThat(some.getMatchedCount()).isEqualTo(3);
        assertThat(some.getModifiedCount()).isEqualTo(2);
        UpdateResult none = counts.updateMany(Filters.eq("_id", 99), Updates.set("v", 1));
        assertThat(none.getMatchedCount()).isZero();
        assertThat(none.getModifiedCount()).isZero();
    }

    @Test
    void aCursorFetchesItsLaterBatchesWithGetMore() {
        MongoCollection<Document> nums = db().getCollection("nums");
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            docs.add(new Document("_id", i).append("sq", i * i));
        }
        nums.insertMany(docs);
        int count = 0;
        long sum = 0;
        try (MongoCursor<Document> cursor = nums.find().sort(Sorts.descending("_id")).batchSize(40).iterator()) {
            int previous = Integer.MAX_VALUE;
            while (cursor.hasNext()) {
                Document d = cursor.next();
                assertThat(d.getInteger("_id")).isLessThan(previous);
                previous = d.getInteger("_id");
                sum += d.getInteger("sq");
                count++;
            }
        }
        assertThat(count).isEqualTo(250);
        assertThat(sum).isEqualTo(5177125L);
        // A cursor closed early is killed on the server side (killCursors), which must not fail.
        try (MongoCursor<Document> cursor = nums.find().batchSize(10).iterator()) {
            assertThat(cursor.next()).isNotNull();
        }
    }

    @Test
    void errorsComeBackAsMongoDbErrorsAndTheConnectionGoesOn() {
        MongoCollection<Document> errs = db().getCollection("errs");
        errs.insertOne(new Document("_id", 1));
        assertThatThrownBy(() -> errs.insertOne(new Document("_id", 1)))
                .isInstanceOfSatisfying(MongoWriteException.class,
                        e -> assertThat(e.getError().getCategory()).isEqualTo(ErrorCategory.DUPLICATE_KEY));
        assertThatThrownBy(() -> db().runCommand(new Document("frobnicate", 1)))
                .isInstanceOfSatisfying(MongoCommandException.class, e -> {
                    assertThat(e.getErrorCode()).isEqualTo(59);
                    assertThat(e.getErrorCodeName()).isEqualTo("CommandNotFound");
                });
        assertThatThrownBy(() -> errs.find(new Document("a", new Document("$where", "x"))).first())
                .isInstanceOf(MongoCommandException.class).hasMessageContaining("$where");
        assertThat(errs.countDocuments()).isEqualTo(1);
    }

    @Test
    void pymongoRunsCrudCursorsAndErrors() throws Exception {
        Subprocess.Output probe = Subprocess.run(List.of("/usr/bin/python3", "-c", "import pymongo"), "", Duration.ofSeconds(60));
        Assumptions.assumeTrue(probe.exitCode() == 0, "python3-pymongo is not installed (scripts/install-deps.sh installs it)");
        String script = String.join("\n",
                "import sys, pymongo",
                "c = pymongo.MongoClient('127.0.0.1', int(sys.argv[1]), directConnection=True, serverSelectionTimeoutMS=20000)",
                "db = c['" + DB + "']",
                "col = db['py']",
                "col.insert_many([{'_id': i, 'v': i * 2} for i in range(120)])",
                "assert col.count_documents({'v': {'$gte': 100}}) == 70",
                "assert sum(d['v'] for d in col.find({}, batch_size=25)) == 2 * sum(range(120))",
                "col.update_one({'_id': 3}, {'$set': {'name': 'three'}})",
                "assert col.find_one({'_id': 3})['name'] == 'three'",
                "assert col.delete_many({'_id': {'$lt': 10}}).deleted_count == 10",
                "try:",
                "    col.insert_one({'_id': 50})",
                "    sys.exit('duplicate _id accepted')",
                "except pymongo.errors.DuplicateKeyError:",
                "    pass",
                "try:",
                "    db.command('frobnicate')",
                "    sys.exit('unknown command accepted')",
                "except pymongo.errors.OperationFailure as e:",
                "    assert e.code == 59, e.code",
                "assert col.count_documents({}) == 110",
                "db.drop_collection('py')",
                "print('pymongo ok')",
                "");
        Subprocess.Output out = Subprocess.run(List.of("/usr/bin/python3", "-c", script,
                String.valueOf(gh.port("NoSQL-Listener"))), "", Duration.ofSeconds(120));
        assertThat(out.exitCode()).as(out.describe()).isZero();
        assertThat(out.stdout()).contains("pymongo ok");
    }

    @Test
    void readsGoToAReplicaAndWritesToThePrimary() {
        MongoCollection<Document> routed = db().getCollection("routed");
        routed.insertOne(new Document("_id", "from-client"));
        cluster.awaitReplication(Duration.ofSeconds(30));
        // A marker row only the replicas have: a read that sees it was served by a replica.
        for (MariaDbServer r : cluster.replicas()) {
            r.execute("SET SESSION sql_log_bin = 0; INSERT INTO " + DB + ".routed (doc) VALUES ('{\"_id\": \"replica-only\"}')");
        }
        try {
            assertThat(routed.find(Filters.eq("_id", "replica-only")).first()).as("read from a replica").isNotNull();
            // A write with the same filter goes to the primary, which does not have the marker.
            assertThat(routed.updateOne(Filters.eq("_id", "replica-only"), Updates.set("x", 1)).getMatchedCount())
                    .as("write on the primary").isZero();
            routed.insertOne(new Document("_id", "second"));
            assertThat(cluster.primary().queryValue("SELECT COUNT(*) FROM " + DB + ".routed")).isEqualTo("2");
        } finally {
            for (MariaDbServer r : cluster.replicas()) {
                r.execute("SET SESSION sql_log_bin = 0; DELETE FROM " + DB + ".routed WHERE id = '\"replica-only\"'");
            }
        }
    }

    /** The fastest of three runs of {@code command}, in ms: a single run may be slow on a loaded machine. */
    private long fastestMillis(Document command) {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            assertThat(client.getDatabase("admin").runCommand(command).get("ok", Number.class).intValue()).isEqualTo(1);
            best = Math.min(best, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }
        return best;
    }

    @Test
    void anAwaitableHelloIsAnsweredAfterMaxAwaitTimeMS() {
        Document plain = client.getDatabase("admin").runCommand(new Document("hello", 1));
        Document version = plain.get("topologyVersion", Document.class);
        assertThat(version.get("processId")).isInstanceOf(ObjectId.class);
        assertThat(version.get("counter")).isInstanceOf(Long.class);
        assertThat(fastestMillis(new Document("hello", 1))).as("a plain hello answers at once").isLessThan(450);

        long start = System.nanoTime();
        Document awaited = client.getDatabase("admin").runCommand(new Document("hello", 1)
                .append("topologyVersion", version).append("maxAwaitTimeMS", 500L));
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(elapsed).as("the awaitable hello waits for maxAwaitTimeMS").isGreaterThanOrEqualTo(450).isLessThan(10_000);
        assertThat(awaited.get("isWritablePrimary")).isEqualTo(true);
        assertThat(awaited.get("topologyVersion", Document.class)).isEqualTo(version);

        // A version of another process, or an older counter of ours: the client's view is stale, so at once.
        Document otherProcess = new Document("processId", new ObjectId()).append("counter", 0L);
        assertThat(fastestMillis(new Document("isMaster", 1).append("topologyVersion", otherProcess)
                .append("maxAwaitTimeMS", 5_000L))).as("another processId answers at once").isLessThan(450);
        Document older = new Document(version).append("counter", version.getLong("counter") - 1);
        assertThat(fastestMillis(new Document("hello", 1).append("topologyVersion", older)
                .append("maxAwaitTimeMS", 5_000L))).as("an older counter answers at once").isLessThan(450);
        assertThatThrownBy(() -> client.getDatabase("admin").runCommand(new Document("hello", 1).append("maxAwaitTimeMS", 500L)))
                .isInstanceOfSatisfying(MongoCommandException.class, e -> assertThat(e.getErrorCode()).isEqualTo(2))
                .hasMessageContaining("topologyVersion");
    }

    @Test
    void theDriversStreamingMonitorDoesNotSpin() throws InterruptedException {
        AtomicInteger heartbeats = new AtomicInteger();
        AtomicInteger awaited = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        ServerMonitorListener counter = new ServerMonitorListener() {
            @Override
            public void serverHeartbeatSucceeded(ServerHeartbeatSucceededEvent event) {
                heartbeats.incrementAndGet();
                if (event.isAwaited()) {
                    awaited.incrementAndGet();
                }
            }

            @Override
            public void serverHeartbeatFailed(ServerHeartbeatFailedEvent event) {
                failed.incrementAndGet();
            }
        };
        // The monitor sends maxAwaitTimeMS = heartbeatFrequency; 500 ms is the smallest the driver allows.
        MongoClientSettings settings = MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString("mongodb://127.0.0.1:" + gh.port("NoSQL-Listener")
                        + "/?directConnection=true&serverSelectionTimeoutMS=20000"))
                .applyToServerSettings(b -> b.heartbeatFrequency(500, TimeUnit.MILLISECONDS)
                        .serverMonitoringMode(ServerMonitoringMode.STREAM).addServerMonitorListener(counter))
                .build();
        int answered, streamed, failures;
        try (MongoClient monitored = MongoClients.create(settings)) {
            monitored.getDatabase("admin").runCommand(new Document("ping", 1));
            Thread.sleep(3_000);
            // Counted before the close, which interrupts the monitor's pending hello.
            answered = heartbeats.get();
            streamed = awaited.get();
            failures = failed.get();
        }
        // Answered at once, the streaming monitor asks again at once: thousands of hellos in 3 s, not about six.
        assertThat(streamed).as("the monitor streams awaitable hellos").isPositive();
        assertThat(answered).as("hellos the monitor had answered in about 3 s").isLessThanOrEqualTo(15);
        assertThat(failures).as("failed heartbeats").isZero();
    }
}
