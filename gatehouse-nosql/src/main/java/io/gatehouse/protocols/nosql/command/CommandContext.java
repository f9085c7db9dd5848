package io.gatehouse.protocols.nosql.command;

import io.gatehouse.protocols.nosql.NosqlConfig;
import io.gatehouse.protocols.nosql.NosqlException;
import io.gatehouse.protocols.nosql.sql.SqlResult;
import io.gatehouse.protocols.nosql.sql.SqlRunner;
import io.gatehouse.protocols.nosql.sql.SqlText;

import java.util.concurrent.CompletableFuture;

/**
 * What the command handlers of one client connection share: the listener's configuration, the SQL runner of the
 * client's service session and its open cursors; also creates missing databases and tables as MaxScale does.
 * Confined to the client channel's event loop; holds no buffers.
 *
 * @param connectionId the number {@code hello} reports as {@code connectionId}
 * @param remote       the client's address, for {@code whatsmyuri}
 * @param auth         the client's authentication state and the listener's accounts
 */
public record CommandContext(NosqlConfig config, SqlRunner sql, Cursors cursors, long connectionId, String remote,
                             ClientAuth auth) {

    /** A client without accounts (embedding, tests). */
    public CommandContext(NosqlConfig config, SqlRunner sql, Cursors cursors, long connectionId, String remote) {
        this(config, sql, cursors, connectionId, remote, ClientAuth.none());
    }

    /** The CREATE TABLE statement of a collection, the layout MaxScale uses (a virtual, unique {@code id} from {@code _id}). */
    public String createTableSql(String db, String collection, boolean ifNotExists) {
        return "CREATE TABLE " + (ifNotExists ? "IF NOT EXISTS " : "") + SqlText.table(db, collection)
                + " (id VARCHAR(" + config.idLength() + ") AS (JSON_COMPACT(JSON_EXTRACT(doc, '$._id'))) UNIQUE KEY,"
                + " doc JSON, CONSTRAINT id_not_null CHECK (id IS NOT NULL))";
    }

    /**
     * Runs {@code statement}, which writes to the collection's table; when the table (or its database) is missing
     * and {@code auto_create_tables} (and {@code auto_create_databases}) allow, creates them and runs it again.
     */
    public CompletableFuture<SqlResult> runCreating(String db, String collection, String statement) {
        return sql.run(statement).thenCompose(r -> {
            if (!isMissing(r) || !config.autoCreateTables()) {
                return CompletableFuture.completedFuture(r);
            }
            return createTable(db, collection)
                    .thenCompose(c -> c.isError() ? CompletableFuture.completedFuture(c) : sql.run(statement));
        });
    }

    /** Creates a collection's table if it does not exist, and its database first if that is missing and allowed. */
    public CompletableFuture<SqlResult> createTable(String db, String collection) {
        String create = createTableSql(db, collection, true);
        return sql.run(create).thenCompose(c -> {
            if (c.errorCode() != SqlResult.ER_BAD_DB_ERROR || !config.autoCreateDatabases()) {
                return CompletableFuture.completedFuture(c);
            }
            return sql.run("CREATE DATABASE IF NOT EXISTS " + SqlText.ident(db))
                    .thenCompose(d -> d.isError() ? CompletableFuture.completedFuture(d) : sql.run(create));
        });
    }

    /** Whether an error only says that the collection (or database) does not exist: reads then find nothing. */
    public static boolean isMissing(SqlResult r) {
        return r.errorCode() == SqlResult.ER_NO_SUCH_TABLE || r.errorCode() == SqlResult.ER_BAD_DB_ERROR;
    }

    /** Fails a command with the MariaDB error, unless the statement succeeded. */
    public static SqlResult check(SqlResult r) {
        if (r.isError()) {
            throw fromSql(r);
        }
        return r;
    }

    /** The MongoDB error for a MariaDB error. */
    public static NosqlException fromSql(SqlResult r) {
        if (r.errorCode() == SqlResult.ER_DUP_ENTRY) {
            return new NosqlException(NosqlException.DUPLICATE_KEY, "DuplicateKey", "E11000 duplicate key error: " + r.message());
        }
        return new NosqlException(NosqlException.COMMAND_FAILED, "CommandFailed",
                "MariaDB error " + r.errorCode() + " (" + r.sqlState() + "): " + r.message());
    }
}
