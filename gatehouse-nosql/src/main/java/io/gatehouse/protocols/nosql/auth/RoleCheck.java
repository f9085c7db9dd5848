package io.gatehouse.protocols.nosql.auth;

import io.gatehouse.protocols.nosql.NosqlException;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;

import java.util.HashSet;
import java.util.Set;

/**
 * What {@code authorization_enabled=true} lets a client do, from the roles of the account it logged in as. As
 * MaxScale documents, the user management commands need {@code userAdmin} on their database (or
 * {@code userAdminAnyDatabase} on {@code admin}), from every client, logged in or not. A logged-in client's data
 * commands are checked too, with MongoDB's built-in roles: reading needs {@code read}, writing {@code readWrite},
 * creating and dropping collections and indexes {@code readWrite} or {@code dbAdmin}, dropping the database
 * {@code dbAdmin}; {@code dbOwner} includes them all, the {@code AnyDatabase} roles and {@code root} (on
 * {@code admin}) cover every database. A client that did not log in runs as the listener's {@code user}, whose
 * MariaDB grants decide. MariaDB's grants apply to everyone in any case. Stateless; any thread; no buffers.
 */
public final class RoleCheck {
    private static final Set<String> USER_COMMANDS = Set.of("createUser", "updateUser", "dropUser",
            "dropAllUsersFromDatabase", "grantRolesToUser", "revokeRolesFromUser", "usersInfo");
    private static final Set<String> READS = Set.of("find", "getMore", "count", "distinct", "aggregate", "killCursors");
    private static final Set<String> CATALOG = Set.of("listCollections", "listIndexes");
    private static final Set<String> WRITES = Set.of("insert", "update", "delete", "findAndModify", "findandmodify");
    private static final Set<String> DDL = Set.of("create", "drop", "createIndexes", "dropIndexes", "deleteIndexes");

    private RoleCheck() {
    }

    /** Whether {@code account} (null: a client that did not log in) may run {@code command} on {@code db}. */
    public static boolean allows(NosqlAccount account, String command, String db) {
        if (USER_COMMANDS.contains(command)) {
            return has(account, db, "userAdmin", "dbOwner") || has(account, "admin", "userAdminAnyDatabase", "root");
        }
        if (account == null) {
            return true;
        }
        if (READS.contains(command)) {
            return has(account, db, "read", "readWrite", "dbOwner")
                    || has(account, "admin", "readAnyDatabase", "readWriteAnyDatabase", "root");
        }
        if (CATALOG.contains(command)) {
            return has(account, db, "read", "readWrite", "dbAdmin", "dbOwner")
                    || has(account, "admin", "readAnyDatabase", "readWriteAnyDatabase", "dbAdminAnyDatabase", "root");
        }
        if (WRITES.contains(command)) {
            return has(account, db, "readWrite", "dbOwner") || has(account, "admin", "readWriteAnyDatabase", "root");
        }
        if (DDL.contains(command)) {
            return has(account, db, "readWrite", "dbAdmin", "dbOwner")
                    || has(account, "admin", "readWriteAnyDatabase", "dbAdminAnyDatabase", "root");
        }
        if (command.equals("dropDatabase")) {
            return has(account, db, "dbAdmin", "dbOwner") || has(account, "admin", "dbAdminAnyDatabase", "root");
        }
        return true;
    }

    /** MongoDB's Unauthorized (13) for {@code command}, with the command (its password hidden), as MaxScale words it. */
    public static NosqlException unauthorized(String command, String db, BsonDocument cmd) {
        BsonDocument shown = cmd.clone();
        if (shown.containsKey("pwd")) {
            shown.put("pwd", new BsonString("xxx"));
        }
        return new NosqlException(NosqlException.UNAUTHORIZED, "Unauthorized",
                "not authorized on " + db + " to execute command " + shown.toJson());
    }

    private static boolean has(NosqlAccount account, String db, String... roles) {
        if (account == null) {
            return false;
        }
        Set<String> wanted = new HashSet<>(Set.of(roles));
        for (BsonValue r : account.roles()) {
            BsonDocument d = r.asDocument();
            if (d.getString("db").getValue().equals(db) && wanted.contains(d.getString("role").getValue())) {
                return true;
            }
        }
        return false;
    }
}
