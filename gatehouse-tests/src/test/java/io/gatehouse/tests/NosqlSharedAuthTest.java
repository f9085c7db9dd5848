package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoCredential;
import com.mongodb.MongoSecurityException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two Gatehouse instances in front of one cluster (primary and two replicas) sharing their NoSQL accounts with
 * {@code authentication_shared=true}: an account made through one logs in through the other, the table is where
 * MaxScale keeps it and holds no password, {@code authorization_enabled=true} refuses what the roles do not allow with
 * MongoDB's Unauthorized (13), and SCRAM-SHA-1 is negotiated through {@code saslSupportedMechs}. MongoDB Java driver
 * and pymongo. JUnit and driver threads; no Netty buffers of its own.
 */
@ExtendWith(MariaDbExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NosqlSharedAuthTest {
    private static final String DB = "nosql_shared";
    private static final String ADMIN = "nosql_shared_admin", ADMIN_PASSWORD = "sharedadminpwd";
    private static final String KEEPER = "nosql_keeper", KEEPER_PASSWORD = "keeperpwd";
    private static final String ACCOUNTS_DB = "nosql_accounts_" + DB;
    private static final List<String> MARIADB_USERS = List.of("admin.boss", DB + ".reader", DB + ".writer", DB + ".old", DB + ".temp",
            ADMIN, KEEPER);
    private MariaDbCluster cluster;
    private Gatehouse first;
    private Gatehouse second;
    private Path dir;

    @BeforeAll
    void start(MariaDbCluster c) throws Exception {
        cluster = c;
        dir = Files.createTempDirectory("gatehouse-nosql-shared");
        dropAll();
        c.primary().execute("CREATE USER '" + ADMIN + "'@'%' IDENTIFIED BY '" + ADMIN_PASSWORD + "'; GRANT ALL PRIVILEGES ON *.* TO '"
                + ADMIN + "'@'%' WITH GRANT OPTION");
        c.primary().execute("CREATE USER '" + KEEPER + "'@'%' IDENTIFIED BY '" + KEEPER_PASSWORD + "'; GRANT ALL PRIVILEGES ON `"
                + ACCOUNTS_DB + "`.* TO '" + KEEPER + "'@'%'");
        c.awaitReplication(Duration.ofSeconds(30));
        first = Gatehouse.start(config(dir.resolve("first")));
        second = Gatehouse.start(config(dir.resolve("second")));
        // The first account, from the proxy's host with no account yet (MongoDB's localhost exception): an administrator.
        try (MongoClient anonymous = MongoClients.create(uri(first, ""))) {
            Document create = new Document("createUser", "boss").append("pwd", "bosspwd").append("roles", List.of("root"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (true) {
                try {
                    anonymous.getDatabase("admin").runCommand(create);
                    break;
                } catch (MongoCommandException e) {
                    // The services load their MariaDB accounts after the start; until then sessions are refused.
                    if (System.nanoTime() > deadline || e.getErrorCode() == 13 || e.getErrorCode() == 51003) {
                        throw e;
                    }
                }
                Thread.sleep(200);
            }
        }
        c.awaitReplication(Duration.ofSeconds(30));
    }

    private Path config(Path d) throws Exception {
        Files.createDirectories(d);
        String cnf = GatehouseExtension.config(cluster, d)
                + "[NoSQL-Listener]\ntype=listener\nservice=Split-Service\nprotocol=nosqlprotocol\naddress=127.0.0.1\nport=0\n"
                + "nosqlprotocol.user=" + ADMIN + "\nnosqlprotocol.password=" + ADMIN_PASSWORD + "\n"
                + "nosqlprotocol.authentication_required=true\nnosqlprotocol.authorization_enabled=true\n"
                + "nosqlprotocol.authentication_shared=true\nnosqlprotocol.authentication_db=" + ACCOUNTS_DB + "\n"
                + "nosqlprotocol.authentication_user=" + KEEPER + "\nnosqlprotocol.authentication_password=" + KEEPER_PASSWORD + "\n";
        Path file = d.resolve("gatehouse.cnf");
        Files.writeString(file, cnf);
        return file;
    }

    private static String uri(Gatehouse gh, String credentials) {
        return "mongodb://" + credentials + "127.0.0.1:" + gh.port("NoSQL-Listener")
                + "/?directConnection=true&serverSelectionTimeoutMS=20000";
    }

    private static MongoClient client(Gatehouse gh, MongoCredential credential) {
        return MongoClients.create(MongoClientSettings.builder().applyConnectionString(new ConnectionString(uri(gh, "")))
                .applyToClusterSettings(b -> b.serverSelectionTimeout(20, TimeUnit.SECONDS)).credential(credential).build());
    }

    private void dropAll() {
        for (String u : MARIADB_USERS) {
            cluster.primary().execute("DROP USER IF EXISTS '" + u + "'@'%'");
        }
        cluster.primary().execute("DROP DATABASE IF EXISTS " + DB + "; DROP DATABASE IF EXISTS " + ACCOUNTS_DB);
    }

    @AfterAll
    void stop() {
        for (Gatehouse g : new Gatehouse[] {first, second}) {
            if (g != null) {
                g.close();
            }
        }
        if (cluster != null) {
            dropAll();
        }
        TempDirs.delete(dir);
    }

    private void createThroughSecond(String user, Document extra) {
        try (MongoClient boss = client(second, MongoCredential.createScramSha256Credential("boss", "admin", "bosspwd".toCharArray()))) {
            boss.getDatabase(DB).runCommand(new Document("createUser", user).append("pwd", user + "pwd").append("roles",
                    List.of(extra.getString("role"))).append("mechanisms", extra.get("mechanisms",
                    List.of("SCRAM-SHA-1", "SCRAM-SHA-256"))));
        }
        cluster.awaitReplication(Duration.ofSeconds(30));
    }

    @Test
    void anAccountMadeThroughOneProxyLogsInThroughTheOtherAndTheTableHoldsNoPassword() {
        createThroughSecond("writer", new Document("role", "readWrite"));
        try (MongoClient writer = client(first, MongoCredential.createScramSha256Credential("writer", DB, "writerpwd".toCharArray()))) {
            MongoCollection<Document> notes = writer.getDatabase(DB).getCollection("notes");
            notes.insertMany(List.of(new Document("_id", 1).append("t", "a"), new Document("_id", 2).append("t", "b")));
            assertThat(notes.countDocuments()).isEqualTo(2);
            Document status = writer.getDatabase(DB).runCommand(new Document("connectionStatus", 1));
            assertThat(status.get("authInfo", Document.class).getList("authenticatedUsers", Document.class))
                    .extracting(d -> d.getString("user")).containsExactly("writer");
        }
        // MaxScale's place and columns: `<authentication_db>`.`<listener>`, one row per MariaDB user.
        assertThat(cluster.primary().queryValue("SELECT CONCAT(db, '/', user, '/', host) FROM `" + ACCOUNTS_DB
                + "`.`NoSQL-Listener` WHERE mariadb_user = '" + DB + ".writer'")).isEqualTo(DB + "/writer/%");
        String data = cluster.primary().queryValue("SELECT data FROM `" + ACCOUNTS_DB + "`.`NoSQL-Listener` WHERE mariadb_user = '"
                + DB + ".writer'");
        assertThat(data).contains("SCRAM-SHA-256", "SCRAM-SHA-1", "sealed_password", "stored_key")
                .doesNotContain("writerpwd").doesNotContain("mariadb_password");
        // Dropped through one proxy, the account is gone from the other at once; a wrong password is refused there too.
        createThroughSecond("temp", new Document("role", "read"));
        try (MongoClient temp = client(first, MongoCredential.createScramSha256Credential("temp", DB, "temppwd".toCharArray()))) {
            assertThat(temp.getDatabase(DB).getCollection("notes").countDocuments()).isEqualTo(2);
        }
        try (MongoClient boss = client(first, MongoCredential.createScramSha256Credential("boss", "admin", "bosspwd".toCharArray()))) {
            boss.getDatabase(DB).runCommand(new Document("dropUser", "temp"));
        }
        try (MongoClient temp = client(second, MongoCredential.createScramSha256Credential("temp", DB, "temppwd".toCharArray()))) {
            assertThatThrownBy(() -> temp.getDatabase(DB).getCollection("notes").countDocuments())
                    .satisfies(e -> assertThat(securityCode(e)).isEqualTo(18));
        }
        try (MongoClient wrong = client(second, MongoCredential.createScramSha256Credential("writer", DB, "nope".toCharArray()))) {
            assertThatThrownBy(() -> wrong.getDatabase(DB).getCollection("notes").countDocuments())
                    .satisfies(e -> assertThat(securityCode(e)).isEqualTo(18));
        }
    }

    @Test
    void rolesAreEnforcedByTheProxy() {
        createThroughSecond("reader", new Document("role", "read"));
        try (MongoClient boss = client(first, MongoCredential.createScramSha256Credential("boss", "admin", "bosspwd".toCharArray()))) {
            boss.getDatabase(DB).getCollection("shelf").insertOne(new Document("_id", "book"));
        }
        cluster.awaitReplication(Duration.ofSeconds(30));
        try (MongoClient reader = client(first, MongoCredential.createScramSha256Credential("reader", DB, "readerpwd".toCharArray()))) {
            MongoCollection<Document> shelf = reader.getDatabase(DB).getCollection("shelf");
            assertThat(shelf.find().first()).isNotNull();
            assertThatThrownBy(() -> shelf.insertOne(new Document("_id", "pamphlet")))
                    .isInstanceOfSatisfying(MongoCommandException.class, e -> {
                        assertThat(e.getErrorCode()).isEqualTo(13);
                        assertThat(e.getErrorCodeName()).isEqualTo("Unauthorized");
                        assertThat(e.getErrorMessage()).startsWith("not authorized on " + DB + " to execute command {\"insert\"");
                    });
            // User management needs userAdmin: reader has only read.
            assertThatThrownBy(() -> reader.getDatabase(DB).runCommand(new Document("createUser", "mallory").append("pwd", "secret")
                    .append("roles", List.of("readWrite"))))
                    .isInstanceOfSatisfying(MongoCommandException.class, e -> {
                        assertThat(e.getErrorCode()).isEqualTo(13);
                        assertThat(e.getErrorMessage()).contains("createUser").doesNotContain("secret");
                    });
        }
        assertThat(cluster.primary().queryValue("SELECT COUNT(*) FROM `" + DB + "`.shelf")).isEqualTo("1");
        assertThat(cluster.primary().queryValue("SELECT COUNT(*) FROM mysql.user WHERE user = '" + DB + ".mallory'")).isEqualTo("0");
    }

    @Test
    void scramSha1IsNegotiatedAsDriversDoIt() throws Exception {
        createThroughSecond("old", new Document("role", "readWrite").append("mechanisms", List.of("SCRAM-SHA-1")));
        // No mechanism given: the driver asks hello for saslSupportedMechs and, without SCRAM-SHA-256 there, uses SHA-1.
        try (MongoClient old = client(first, MongoCredential.createCredential("old", DB, "oldpwd".toCharArray()))) {
            old.getDatabase(DB).getCollection("legacy").insertOne(new Document("_id", 1));
            // usersInfo is user management: it needs userAdmin, which "old" does not have.
            assertThatThrownBy(() -> old.getDatabase(DB).runCommand(new Document("usersInfo", "old")))
                    .isInstanceOfSatisfying(MongoCommandException.class, e -> assertThat(e.getErrorCode()).isEqualTo(13));
        }
        try (MongoClient boss = client(first, MongoCredential.createScramSha256Credential("boss", "admin", "bosspwd".toCharArray()))) {
            Document info = boss.getDatabase(DB).runCommand(new Document("usersInfo", "old"));
            assertThat(info.getList("users", Document.class).get(0).getList("mechanisms", String.class))
                    .containsExactly("SCRAM-SHA-1");
        }
        try (MongoClient sha256 = client(first, MongoCredential.createScramSha256Credential("old", DB, "oldpwd".toCharArray()))) {
            assertThatThrownBy(() -> sha256.getDatabase(DB).getCollection("legacy").countDocuments())
                    .satisfies(e -> assertThat(securityCode(e)).isEqualTo(18));
        }
        Subprocess.Output probe = Subprocess.run(List.of("/usr/bin/python3", "-c", "import pymongo"), "", Duration.ofSeconds(60));
        Assumptions.assumeTrue(probe.exitCode() == 0, "python3-pymongo is not installed (scripts/install-deps.sh installs it)");
        String script = String.join("\n",
                "import sys, pymongo",
                "def client(mech):",
                "    kw = {'authMechanism': mech} if mech else {}",
                "    return pymongo.MongoClient('127.0.0.1', int(sys.argv[1]), directConnection=True, username='old',",
                "        password='oldpwd', authSource='" + DB + "', serverSelectionTimeoutMS=20000, **kw)",
                "for mech in ('SCRAM-SHA-1', None):",
                "    assert client(mech)['" + DB + "']['legacy'].count_documents({}) == 1",
                "print('pymongo sha1 ok')",
                "");
        Subprocess.Output out = Subprocess.run(List.of("/usr/bin/python3", "-c", script,
                String.valueOf(second.port("NoSQL-Listener"))), "", Duration.ofSeconds(120));
        assertThat(out.exitCode()).as(out.describe()).isZero();
        assertThat(out.stdout()).contains("pymongo sha1 ok");
    }

    /** The error code of the MongoCommandException behind a failed login. */
    private static int securityCode(Throwable e) {
        Throwable t = e;
        while (t != null && !(t instanceof MongoSecurityException)) {
            t = t.getCause();
        }
        assertThat(t).as("a MongoSecurityException in " + e).isNotNull();
        assertThat(t.getCause()).isInstanceOf(MongoCommandException.class);
        return ((MongoCommandException) t.getCause()).getErrorCode();
    }
}
