package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoCredential;
import com.mongodb.MongoSecurityException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SCRAM-SHA-256 logins on a {@code nosqlprotocol} listener with {@code authentication_required=true}: the first
 * account is made from the proxy's host, the MongoDB Java driver logs in with it and runs CRUD as its MariaDB user,
 * a wrong password gets MongoDB's AuthenticationFailed (18), an anonymous client gets Unauthorized (13), and the
 * accounts survive in the listener's data directory. JUnit and driver threads; no Netty buffers of its own.
 */
@ExtendWith(MariaDbExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NosqlAuthTest {
    private static final String DB = "nosql_auth";
    /** The listener's MariaDB user: it runs createUser's statements, so it may create users and grant (not root: the service refuses root by default). */
    private static final String ADMIN = "nosql_admin", ADMIN_PASSWORD = "nosqladminpwd";
    private MariaDbCluster cluster;
    private Gatehouse gh;
    private Path dir;
    private MongoClient anonymous;

    @BeforeAll
    void start(MariaDbCluster c) throws Exception {
        cluster = c;
        dir = Files.createTempDirectory("gatehouse-nosql-auth");
        String cnf = GatehouseExtension.config(c, dir)
                + "[NoSQL-Listener]\ntype=listener\nservice=Split-Service\nprotocol=nosqlprotocol\naddress=127.0.0.1\nport=0\n"
                + "nosqlprotocol.user=" + ADMIN + "\nnosqlprotocol.password=" + ADMIN_PASSWORD + "\n"
                + "nosqlprotocol.authentication_required=true\n";
        Path file = dir.resolve("gatehouse.cnf");
        Files.writeString(file, cnf);
        dropUsers();
        c.primary().execute("CREATE USER '" + ADMIN + "'@'%' IDENTIFIED BY '" + ADMIN_PASSWORD + "'; GRANT ALL PRIVILEGES ON *.* TO '"
                + ADMIN + "'@'%' WITH GRANT OPTION");
        c.awaitReplication(Duration.ofSeconds(30));
        gh = Gatehouse.start(file);
        anonymous = MongoClients.create(uri(""));
        createFirstAccount();
        cluster.awaitReplication(Duration.ofSeconds(30));
    }

    private String uri(String credentials) {
        return "mongodb://" + credentials + "127.0.0.1:" + gh.port("NoSQL-Listener")
                + "/?directConnection=true&serverSelectionTimeoutMS=20000";
    }

    /** The service's accounts come after the start: retry the first createUser until SQL gets through. */
    private void createFirstAccount() throws InterruptedException {
        Document create = new Document("createUser", "alice").append("pwd", "s3cret")
                .append("roles", List.of(new Document("role", "readWrite").append("db", DB)));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                anonymous.getDatabase(DB).runCommand(create);
                return;
            } catch (MongoCommandException e) {
                if (System.nanoTime() > deadline || e.getErrorCode() != 125) {
                    throw e;
                }
            }
            Thread.sleep(200);
        }
    }

    private void dropUsers() {
        cluster.primary().execute("DROP USER IF EXISTS '" + DB + ".alice'@'%', '" + ADMIN + "'@'%'");
        cluster.primary().execute("DROP DATABASE IF EXISTS " + DB);
    }

    @AfterAll
    void stop() {
        if (anonymous != null) {
            anonymous.close();
        }
        if (gh != null) {
            gh.close();
        }
        if (cluster != null) {
            dropUsers();
        }
        TempDirs.delete(dir);
    }

    private static MongoCredential credential(String password) {
        return MongoCredential.createScramSha256Credential("alice", DB, password.toCharArray());
    }

    @Test
    void aLoggedInClientRunsCrudAsItsMariaDbUser() {
        try (MongoClient alice = MongoClients.create(com.mongodb.MongoClientSettings.builder()
                .applyConnectionString(new com.mongodb.ConnectionString(uri("")))
                .credential(credential("s3cret")).build())) {
            MongoDatabase db = alice.getDatabase(DB);
            MongoCollection<Document> notes = db.getCollection("notes");
            notes.insertMany(List.of(new Document("_id", 1).append("t", "a"), new Document("_id", 2).append("t", "b")));
            assertThat(notes.countDocuments(Filters.eq("t", "a"))).isEqualTo(1);
            assertThat(notes.updateOne(Filters.eq("_id", 2), Updates.set("t", "c")).getModifiedCount()).isEqualTo(1);
            assertThat(notes.deleteOne(Filters.eq("_id", 1)).getDeletedCount()).isEqualTo(1);
            assertThat(notes.find().first().getString("t")).isEqualTo("c");

            Document status = db.runCommand(new Document("connectionStatus", 1));
            assertThat(status.get("authInfo", Document.class).getList("authenticatedUsers", Document.class))
                    .extracting(d -> d.getString("user")).containsExactly("alice");
            // The backend session is the account's MariaDB user: readWrite on its database only, so another one is refused.
            assertThatThrownBy(() -> alice.getDatabase("other_db_" + DB).getCollection("x").insertOne(new Document("a", 1)))
                    .hasMessageContaining("denied");
        }
        // The MariaDB account MaxScale's naming gives the NoSQL user: <db>.<user> at nosqlprotocol.host.
        assertThat(cluster.primary().queryValue("SELECT COUNT(*) FROM mysql.user WHERE user = '" + DB + ".alice' AND host = '%'"))
                .isEqualTo("1");
    }

    @Test
    void aWrongPasswordIsAuthenticationFailed() {
        try (MongoClient wrong = MongoClients.create(com.mongodb.MongoClientSettings.builder()
                .applyConnectionString(new com.mongodb.ConnectionString(uri("")))
                .applyToClusterSettings(b -> b.serverSelectionTimeout(5, java.util.concurrent.TimeUnit.SECONDS))
                .credential(credential("not-it")).build())) {
            assertThatThrownBy(() -> wrong.getDatabase(DB).getCollection("notes").countDocuments())
                    .satisfies(e -> {
                        Throwable t = e;
                        while (t != null && !(t instanceof MongoSecurityException)) {
                            t = t.getCause();
                        }
                        assertThat(t).as("a MongoSecurityException in " + e).isNotNull();
                        assertThat(t.getCause()).isInstanceOfSatisfying(MongoCommandException.class,
                                c -> assertThat(c.getErrorCode()).isEqualTo(18));
                    });
        }
    }

    @Test
    void pymongoLogsInWithScramSha256() throws Exception {
        Subprocess.Output probe = Subprocess.run(List.of("/usr/bin/python3", "-c", "import pymongo"), "", Duration.ofSeconds(60));
        Assumptions.assumeTrue(probe.exitCode() == 0, "python3-pymongo is not installed (scripts/install-deps.sh installs it)");
        String script = String.join("\n",
                "import sys, pymongo",
                "def client(pw):",
                "    return pymongo.MongoClient('127.0.0.1', int(sys.argv[1]), directConnection=True, username='alice',",
                "        password=pw, authSource='" + DB + "', authMechanism='SCRAM-SHA-256', serverSelectionTimeoutMS=20000)",
                "c = client('s3cret')",
                "col = c['" + DB + "']['py']",
                "col.insert_many([{'_id': i} for i in range(5)])",
                "assert col.count_documents({}) == 5",
                "try:",
                "    client('wrong')['" + DB + "']['py'].count_documents({})",
                "    sys.exit('a wrong password was accepted')",
                "except pymongo.errors.OperationFailure as e:",
                "    assert e.code == 18, e.code",
                "print('pymongo auth ok')",
                "");
        Subprocess.Output out = Subprocess.run(List.of("/usr/bin/python3", "-c", script,
                String.valueOf(gh.port("NoSQL-Listener"))), "", Duration.ofSeconds(120));
        assertThat(out.exitCode()).as(out.describe()).isZero();
        assertThat(out.stdout()).contains("pymongo auth ok");
    }

    @Test
    void withoutLoggingInCommandsAreUnauthorizedAndTheFirstAccountRuleIsOver() {
        assertThatThrownBy(() -> anonymous.getDatabase(DB).getCollection("notes").countDocuments())
                .isInstanceOfSatisfying(MongoCommandException.class, e -> assertThat(e.getErrorCode()).isEqualTo(13));
        assertThatThrownBy(() -> anonymous.getDatabase(DB).runCommand(new Document("createUser", "mallory").append("pwd", "x")
                .append("roles", List.of())))
                .isInstanceOfSatisfying(MongoCommandException.class, e -> assertThat(e.getErrorCode()).isEqualTo(13));
        // The handshake still works.
        assertThat(anonymous.getDatabase("admin").runCommand(new Document("ping", 1)).get("ok")).isNotNull();
    }

    @Test
    void accountsAreListedAndKeptInTheListenersDataDirectory() throws Exception {
        try (MongoClient alice = MongoClients.create(com.mongodb.MongoClientSettings.builder()
                .applyConnectionString(new com.mongodb.ConnectionString(uri("")))
                .credential(credential("s3cret")).build())) {
            Document info = alice.getDatabase(DB).runCommand(new Document("usersInfo", "alice"));
            List<Document> users = info.getList("users", Document.class);
            assertThat(users).hasSize(1);
            assertThat(users.get(0).getString("_id")).isEqualTo(DB + ".alice");
            assertThat(users.get(0).getList("mechanisms", String.class)).containsExactlyInAnyOrder("SCRAM-SHA-256", "SCRAM-SHA-1");
        }
        Path file = dir.resolve("NoSQL-Listener").resolve("nosql_accounts.json");
        assertThat(file).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }
}
