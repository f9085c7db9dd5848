package io.gatehouse.protocols.nosql.command;

import io.gatehouse.protocols.nosql.NosqlConfig;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbExtension;
import io.gatehouse.testkit.MariaDbServer;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The command translation against a real mariadbd through JDBC: what MongoDB commands do to MariaDB tables. */
@ExtendWith(MariaDbExtension.class)
class CommandsTest {
    private static final String DB = "nosql_cmds";
    private Connection connection;
    private JdbcSqlRunner sql;
    private CommandContext ctx;

    @BeforeEach
    void open(MariaDbServer server) throws Exception {
        connection = DriverManager.getConnection(server.jdbcUrl(), Accounts.ROOT_USER, Accounts.ROOT_PASSWORD);
        connection.createStatement().execute("DROP DATABASE IF EXISTS " + DB);
        sql = new JdbcSqlRunner(connection);
        ctx = new CommandContext(NosqlConfig.defaults("root", ""), sql, new Cursors(Duration.ofSeconds(60)), 1, "127.0.0.1:1");
    }

    @AfterEach
    void close() throws Exception {
        connection.createStatement().execute("DROP DATABASE IF EXISTS " + DB);
        connection.close();
    }

    private BsonDocument run(String json) {
        return Commands.execute(ctx, DB, BsonDocument.parse(json)).join();
    }

    private List<BsonDocument> find(String json) {
        return run(json).getDocument("cursor").getArray("firstBatch").stream().map(BsonValue::asDocument).toList();
    }

    private List<Object> names(String filter) {
        return find("{find: 'people', filter: " + filter + ", sort: {name: 1}}").stream()
                .map(d -> (Object) d.getString("name").getValue()).toList();
    }

    @Test
    void insertCreatesDatabaseAndTableAsMaxScaleLaysThemOut() throws Exception {
        BsonDocument r = run("{insert: 'people', documents: [{name: 'ann', age: 31}, {_id: 7, name: 'bob'}]}");
        assertThat(r.getInt32("n").getValue()).as(r.toJson() + sql.statements).isEqualTo(2);
        var rs = connection.createStatement().executeQuery("SELECT id, doc FROM " + DB + ".people ORDER BY JSON_VALUE(doc, '$.name')");
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).startsWith("{\"$oid\":");
        assertThat(BsonDocument.parse(rs.getString(2)).getString("name").getValue()).isEqualTo("ann");
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("7");

        BsonDocument dup = run("{insert: 'people', documents: [{_id: 8, name: 'c'}, {_id: 7, name: 'again'}, {_id: 9, name: 'd'}]}");
        assertThat(dup.getInt32("n").getValue()).isEqualTo(1);
        BsonDocument error = dup.getArray("writeErrors").get(0).asDocument();
        assertThat(error.getInt32("index").getValue()).isEqualTo(1);
        assertThat(error.getInt32("code").getValue()).isEqualTo(11000);
        BsonDocument unordered = run("{insert: 'people', documents: [{_id: 7}, {_id: 10, name: 'e'}], ordered: false}");
        assertThat(unordered.getInt32("n").getValue()).isEqualTo(1);
    }

    @Test
    void filterOperatorsSelectWhatMongoDbWould() {
        run("{insert: 'people', documents: [{name: 'ann', age: 31, tags: ['a', 'b'], addr: {city: 'Oslo'}},"
                + " {name: 'bob', age: 25, tags: ['b']}, {name: 'cid', age: 40.5, nick: null}, {name: 'Dan', age: '31'}]}");
        assertThat(names("{age: 31}")).containsExactly("ann");
        assertThat(names("{age: '31'}")).containsExactly("Dan");
        assertThat(names("{name: 'ANN'}")).isEmpty();
        assertThat(names("{age: {$gt: 25}}")).containsExactly("ann", "cid");
        assertThat(names("{age: {$gte: 25, $lt: 40}}")).containsExactly("ann", "bob");
        assertThat(names("{age: {$lte: 25}}")).containsExactly("bob");
        assertThat(names("{age: {$ne: 31}}")).containsExactly("Dan", "bob", "cid");
        assertThat(names("{age: {$in: [25, 40.5]}}")).containsExactly("bob", "cid");
        assertThat(names("{age: {$nin: [25, 40.5]}}")).containsExactly("Dan", "ann");
        assertThat(names("{tags: 'b'}")).containsExactly("ann", "bob");
        assertThat(names("{'addr.city': 'Oslo'}")).containsExactly("ann");
        assertThat(names("{nick: null}")).containsExactly("Dan", "ann", "bob", "cid");
        assertThat(names("{nick: {$exists: true}}")).containsExactly("cid");
        assertThat(names("{tags: {$exists: false}}")).containsExactly("Dan", "cid");
        assertThat(names("{$or: [{name: 'bob'}, {age: {$gt: 35}}]}")).containsExactly("bob", "cid");
        assertThat(names("{$and: [{age: {$gt: 20}}, {tags: 'a'}]}")).containsExactly("ann");
        assertThat(names("{age: {$not: {$gt: 30}}}")).containsExactly("Dan", "bob");
        assertThat(names("{name: {$gt: 'b'}}")).containsExactly("bob", "cid");
        BsonDocument bad = run("{find: 'people', filter: {age: {$where: 1}}}");
        assertThat(bad.getDouble("ok").getValue()).isZero();
        assertThat(bad.getString("errmsg").getValue()).contains("$where");
    }

    @Test
    void sortSkipLimitProjectionAndCursors() {
        StringBuilder docs = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            docs.append(i == 0 ? "" : ", ").append("{_id: ").append(i).append(", n: ").append(9 - i).append(", x: 'v").append(i).append("'}");
        }
        run("{insert: 'nums', documents: [" + docs + "]}");
        List<BsonDocument> page = find("{find: 'nums', sort: {n: 1}, skip: 2, limit: 3, projection: {n: 1, _id: 0}}");
        assertThat(page).extracting(d -> d.toJson()).containsExactly("{\"n\": 2}", "{\"n\": 3}", "{\"n\": 4}");
        assertThat(find("{find: 'nums', filter: {_id: 3}, projection: {x: 0}}")).extracting(d -> d.toJson())
                .containsExactly("{\"_id\": 3, \"n\": 6}");

        BsonDocument first = run("{find: 'nums', sort: {_id: -1}, batchSize: 4}").getDocument("cursor");
        assertThat(first.getArray("firstBatch")).hasSize(4);
        long id = first.getInt64("id").getValue();
        assertThat(id).isNotZero();
        BsonDocument more = run("{getMore: NumberLong(" + id + "), collection: 'nums', batchSize: 4}").getDocument("cursor");
        assertThat(more.getArray("nextBatch")).extracting(v -> v.asDocument().getInt32("_id").getValue()).containsExactly(5, 4, 3, 2);
        BsonDocument last = run("{getMore: NumberLong(" + id + "), collection: 'nums'}").getDocument("cursor");
        assertThat(last.getArray("nextBatch")).hasSize(2);
        assertThat(last.getInt64("id").getValue()).isZero();
        BsonDocument gone = run("{getMore: NumberLong(" + id + "), collection: 'nums'}");
        assertThat(gone.getInt32("code").getValue()).isEqualTo(43);

        long second = run("{find: 'nums', batchSize: 1}").getDocument("cursor").getInt64("id").getValue();
        BsonDocument killed = run("{killCursors: 'nums', cursors: [NumberLong(" + second + "), NumberLong(5)]}");
        assertThat(killed.getArray("cursorsKilled")).hasSize(1);
        assertThat(killed.getArray("cursorsNotFound")).hasSize(1);
        assertThat(ctx.cursors().size()).isZero();

        assertThat(run("{count: 'nums', query: {n: {$gte: 5}}}").getInt32("n").getValue()).isEqualTo(5);
        assertThat(run("{count: 'nums', skip: 8}").getInt32("n").getValue()).isEqualTo(2);
        assertThat(run("{count: 'missing'}").getInt32("n").getValue()).isZero();
        assertThat(find("{find: 'missing'}")).isEmpty();

        // What countDocuments sends, and a plain read pipeline.
        BsonDocument counted = run("{aggregate: 'nums', pipeline: [{$match: {n: {$lt: 5}}}, {$skip: 1},"
                + " {$group: {_id: 1, n: {$sum: 1}}}], cursor: {}}");
        assertThat(counted.getDocument("cursor").getArray("firstBatch").get(0).asDocument().toJson())
                .isEqualTo("{\"_id\": 1, \"n\": 4}");
        assertThat(run("{aggregate: 'nums', pipeline: [{$match: {_id: {$gt: 7}}}, {$sort: {_id: 1}}, {$project: {x: 1}}],"
                + " cursor: {}}").getDocument("cursor").getArray("firstBatch")).extracting(v -> v.asDocument().toJson())
                .containsExactly("{\"_id\": 8, \"x\": \"v8\"}", "{\"_id\": 9, \"x\": \"v9\"}");
        assertThat(run("{aggregate: 'nums', pipeline: [{$unwind: '$x'}], cursor: {}}").getString("errmsg").getValue())
                .contains("$unwind");
    }

    @Test
    void updatesDeletesAndFindAndModify() {
        run("{insert: 'items', documents: [{_id: 1, qty: 5, tag: 'a'}, {_id: 2, qty: 7, tag: 'a'}, {_id: 3, qty: 1, tag: 'b'}]}");
        BsonDocument one = run("{update: 'items', updates: [{q: {tag: 'a'}, u: {$inc: {qty: 10}, $set: {seen: true, meta: {k: [1]}}}}]}");
        assertThat(one.getInt32("n").getValue()).isEqualTo(1);
        BsonDocument many = run("{update: 'items', updates: [{q: {tag: 'a'}, u: {$unset: {seen: 1}}, multi: true}]}");
        assertThat(many.getInt32("n").getValue()).isEqualTo(2);
        List<BsonDocument> a = find("{find: 'items', filter: {tag: 'a'}, sort: {_id: 1}}");
        assertThat(a.get(0).toJson()).isEqualTo("{\"_id\": 1, \"qty\": 15, \"tag\": \"a\", \"meta\": {\"k\": [1]}}");

        BsonDocument ups = run("{update: 'items', updates: [{q: {_id: 4}, u: {$set: {tag: 'c'}, $inc: {qty: 2}}, upsert: true}]}");
        assertThat(ups.getArray("upserted").get(0).asDocument().getInt32("_id").getValue()).isEqualTo(4);
        assertThat(find("{find: 'items', filter: {_id: 4}}").get(0).toJson()).isEqualTo("{\"_id\": 4, \"tag\": \"c\", \"qty\": 2}");
        run("{update: 'items', updates: [{q: {_id: 3}, u: {tag: 'z', qty: 0}}]}");
        assertThat(find("{find: 'items', filter: {_id: 3}}").get(0).getString("tag").getValue()).isEqualTo("z");

        BsonDocument fam = run("{findAndModify: 'items', query: {tag: 'a'}, sort: {qty: -1}, update: {$set: {tag: 'top'}}, new: true}");
        assertThat(fam.getDocument("value").getInt32("_id").getValue()).isEqualTo(1);
        assertThat(fam.getDocument("value").getString("tag").getValue()).isEqualTo("top");
        BsonDocument removed = run("{findAndModify: 'items', query: {_id: 2}, remove: true}");
        assertThat(removed.getDocument("value").getInt32("qty").getValue()).isEqualTo(7);
        BsonDocument none = run("{findAndModify: 'items', query: {_id: 99}, update: {$set: {a: 1}}}");
        assertThat(none.get("value").isNull()).isTrue();

        BsonDocument del = run("{delete: 'items', deletes: [{q: {qty: {$lt: 3}}, limit: 0}]}");
        assertThat(del.getInt32("n").getValue()).isEqualTo(2);
        assertThat(run("{distinct: 'items', key: 'tag'}").getArray("values")).containsExactlyInAnyOrder(
                new org.bson.BsonString("top"));
    }

    @Test
    void administrativeCommandsAndErrors() {
        assertThat(run("{create: 'c1'}").getDouble("ok").getValue()).isEqualTo(1);
        assertThat(run("{create: 'c1'}").getInt32("code").getValue()).isEqualTo(48);
        BsonArray colls = run("{listCollections: 1, nameOnly: true}").getDocument("cursor").getArray("firstBatch");
        assertThat(colls).extracting(v -> v.asDocument().getString("name").getValue()).containsExactly("c1");
        BsonArray dbs = run("{listDatabases: 1}").getArray("databases");
        assertThat(dbs).extracting(v -> v.asDocument().getString("name").getValue()).contains(DB).doesNotContain("mysql");
        assertThat(run("{createIndexes: 'c1', indexes: [{key: {_id: 1}, name: '_id_'}]}").getDouble("ok").getValue()).isEqualTo(1);
        assertThat(run("{createIndexes: 'c1', indexes: [{key: {a: 1}, name: 'a_1'}]}").getInt32("code").getValue()).isEqualTo(115);
        assertThat(run("{drop: 'c1'}").getDouble("ok").getValue()).isEqualTo(1);
        assertThat(run("{drop: 'c1'}").getInt32("code").getValue()).isEqualTo(26);
        BsonDocument unknown = run("{frobnicate: 1}");
        assertThat(unknown.getString("codeName").getValue()).isEqualTo("CommandNotFound");
        assertThat(unknown.getString("errmsg").getValue()).contains("frobnicate");
        assertThat(run("{hello: 1}").getInt32("maxWireVersion").getValue()).isEqualTo(AdminCommands.MAX_WIRE_VERSION);
        assertThat(run("{insert: 't', documents: [{_id: 1}], lsid: {id: 1}, txnNumber: NumberLong(1), startTransaction: true,"
                + " autocommit: false}").getInt32("code").getValue()).isEqualTo(115);
        assertThat(run("{dropDatabase: 1}").getString("dropped").getValue()).isEqualTo(DB);
    }

    @Test
    void parametersChangeTheTranslation() {
        NosqlConfig d = NosqlConfig.defaults("root", "");
        ctx = new CommandContext(new NosqlConfig("root", "", false, true, false, false, 35, true, Duration.ZERO), sql,
                new Cursors(Duration.ZERO), 1, "127.0.0.1:1");
        // on_unknown_command=return_empty
        assertThat(run("{frobnicate: 1}")).isEqualTo(new BsonDocument());
        // auto_create_tables=false: the insert fails on the missing table instead of creating it.
        BsonDocument refused = run("{insert: 'absent', documents: [{_id: 1}]}");
        assertThat(refused.getArray("writeErrors").get(0).asDocument().getString("errmsg").getValue()).contains("1146");
        // cursor_timeout=0: a cursor left idle is gone by the next getMore.
        ctx = new CommandContext(d, sql, new Cursors(Duration.ZERO), 1, "127.0.0.1:1");
        run("{insert: 'c', documents: [{_id: 1}, {_id: 2}, {_id: 3}]}");
        long id = run("{find: 'c', batchSize: 1}").getDocument("cursor").getInt64("id").getValue();
        assertThat(run("{getMore: NumberLong(" + id + "), collection: 'c'}").getInt32("code").getValue()).isEqualTo(43);
        // ordered_insert_behavior=atomic: a failing document keeps the others of the same insert out.
        ctx = new CommandContext(new NosqlConfig("root", "", true, false, true, true, 35, true, Duration.ofSeconds(60)), sql,
                new Cursors(Duration.ofSeconds(60)), 1, "127.0.0.1:1");
        BsonDocument atomic = run("{insert: 'c', documents: [{_id: 4}, {_id: 1}, {_id: 5}]}");
        assertThat(atomic.getInt32("n").getValue()).isZero();
        assertThat(run("{count: 'c'}").getInt32("n").getValue()).isEqualTo(3);
        ctx = new CommandContext(d, sql, new Cursors(Duration.ofSeconds(60)), 1, "127.0.0.1:1");
        BsonDocument ordered = run("{insert: 'c', documents: [{_id: 4}, {_id: 1}, {_id: 5}]}");
        assertThat(ordered.getInt32("n").getValue()).isEqualTo(1);
        assertThat(run("{count: 'c'}").getInt32("n").getValue()).isEqualTo(4);
    }
}
