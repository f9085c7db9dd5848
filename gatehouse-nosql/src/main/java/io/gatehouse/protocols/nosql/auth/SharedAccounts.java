package io.gatehouse.protocols.nosql.auth;

import io.gatehouse.protocols.nosql.NosqlException;
import io.gatehouse.protocols.nosql.sql.SqlResult;
import io.gatehouse.protocols.nosql.sql.SqlRunner;
import io.gatehouse.protocols.nosql.sql.SqlText;
import org.bson.BsonDocument;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The NoSQL accounts of a listener with {@code authentication_shared=true}, as one client sees them: rows of the
 * table {@code `<authentication_db>`.`<listener>`} in the cluster (MaxScale's place and columns: {@code mariadb_user},
 * {@code db}, {@code user}, {@code host} and {@code data}, the account as JSON), so every proxy and listener with the
 * same table shares them. The statements run as {@code authentication_user} through a session of the listener's
 * service of their own; reads are {@code SELECT ... FOR UPDATE}, which routers send to the primary, so an account
 * made through another proxy is seen at once. {@code data} holds the SCRAM keys and the MariaDB password sealed under
 * the client keys ({@link PasswordSeal}), never the password itself. Confined to the client's event loop (the runner's
 * futures complete there); slow key derivation goes to {@code keyThread}. No buffers.
 */
public final class SharedAccounts implements AccountStore {
    private static final JsonWriterSettings JSON = JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).build();

    private final SqlRunner sql;
    private final String table;
    private final String database;
    private final Executor keyThread;
    private boolean tableReady;

    /**
     * @param sql       the statements' session, logged in as {@code authentication_user}
     * @param database  {@code authentication_db}
     * @param listener  the listener's name, which names the table
     * @param keyThread where key derivation runs
     */
    public SharedAccounts(SqlRunner sql, String database, String listener, Executor keyThread) {
        this.sql = sql;
        this.database = database;
        this.table = SqlText.table(database, listener);
        this.keyThread = keyThread;
    }

    @Override
    public CompletableFuture<NosqlAccount> find(String db, String user) {
        return select("mariadb_user = " + SqlText.literal(NosqlAccount.mariadbUserOf(db, user)))
                .thenApply(l -> l.stream().filter(a -> a.db().equals(db) && a.user().equals(user)).findFirst().orElse(null));
    }

    @Override
    public CompletableFuture<List<NosqlAccount>> list(String db) {
        return select(db == null ? "TRUE" : "db = " + SqlText.literal(db));
    }

    @Override
    public CompletableFuture<Void> put(NosqlAccount a) {
        String data = a.toDocument(false).toJson(JSON);
        return prepare().thenCompose(x -> sql.run("REPLACE INTO " + table + " VALUES (" + SqlText.literal(a.mariadbUser()) + ", "
                + SqlText.literal(a.db()) + ", " + SqlText.literal(a.user()) + ", " + SqlText.literal(a.mariadbHost()) + ", "
                + SqlText.literal(data) + ")")).thenAccept(SharedAccounts::check);
    }

    @Override
    public CompletableFuture<Void> remove(List<NosqlAccount> accounts) {
        if (accounts.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        String which = accounts.stream().map(a -> SqlText.literal(a.mariadbUser())).collect(Collectors.joining(", "));
        return sql.run("DELETE FROM " + table + " WHERE mariadb_user IN (" + which + ")").thenAccept(r -> {
            if (!isMissing(r)) {
                check(r);
            }
        });
    }

    @Override
    public <T> CompletableFuture<T> offload(Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, keyThread);
    }

    private CompletableFuture<List<NosqlAccount>> select(String where) {
        return sql.run("SELECT data FROM " + table + " WHERE " + where + " ORDER BY db, user FOR UPDATE").thenApply(r -> {
            List<NosqlAccount> out = new ArrayList<>();
            if (isMissing(r)) {
                return out;   // nothing was ever stored: the table is made with the first account
            }
            check(r);
            for (List<String> row : r.rows()) {
                out.add(NosqlAccount.fromDocument(BsonDocument.parse(row.get(0))));
            }
            return out;
        });
    }

    /** Creates the database and the table (MaxScale's columns) once per client, before its first write. */
    private CompletableFuture<Void> prepare() {
        if (tableReady) {
            return CompletableFuture.completedFuture(null);
        }
        return sql.run("CREATE DATABASE IF NOT EXISTS " + SqlText.ident(database)).thenAccept(SharedAccounts::check)
                .thenCompose(x -> sql.run("CREATE TABLE IF NOT EXISTS " + table + " (mariadb_user VARCHAR(145) UNIQUE, "
                        + "db VARCHAR(64), user VARCHAR(80), host VARCHAR(60), data TEXT)"))
                .thenAccept(r -> {
                    check(r);
                    tableReady = true;
                });
    }

    private static boolean isMissing(SqlResult r) {
        return r.errorCode() == SqlResult.ER_NO_SUCH_TABLE || r.errorCode() == SqlResult.ER_BAD_DB_ERROR;
    }

    private static void check(SqlResult r) {
        if (r.isError()) {
            throw new NosqlException(NosqlException.INTERNAL_ERROR, "InternalError", "the shared NoSQL accounts cannot be "
                    + "used: MariaDB error " + r.errorCode() + " (" + r.sqlState() + "): " + r.message());
        }
    }
}
