package io.gatehouse.protocols.nosql.auth;

import io.gatehouse.protocols.nosql.NosqlException;
import io.gatehouse.protocols.nosql.sql.SqlText;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;

import java.util.ArrayList;
import java.util.List;

/**
 * The MariaDB privileges behind MongoDB's built-in roles, as GRANT statements for a NoSQL user's MariaDB account: the
 * backend enforces what a user may do (and the proxy too, with {@code authorization_enabled}: {@link RoleCheck}).
 * Stateless; any thread; no buffers.
 */
public final class RoleGrants {
    private static final String READ = "SELECT";
    private static final String READ_WRITE = "SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, INDEX, ALTER";
    private static final String DB_ADMIN = "SELECT, CREATE, DROP, INDEX, ALTER, SHOW VIEW";

    private RoleGrants() {
    }

    /** The roles of a command normalized to {@code {role, db}} documents; a bare name means {@code db}. */
    public static BsonArray normalize(BsonValue roles, String db) {
        BsonArray out = new BsonArray();
        if (roles == null || roles.isNull()) {
            return out;
        }
        if (!roles.isArray()) {
            throw NosqlException.badValue("'roles' must be an array");
        }
        for (BsonValue r : roles.asArray()) {
            BsonDocument d;
            if (r.isString()) {
                d = new BsonDocument("role", r).append("db", new BsonString(db));
            } else if (r.isDocument() && r.asDocument().isString("role") && r.asDocument().isString("db")) {
                d = new BsonDocument("role", r.asDocument().get("role")).append("db", r.asDocument().get("db"));
            } else {
                throw NosqlException.badValue("a role is a name or {role: <name>, db: <database>}: " + r);
            }
            privileges(d);
            if (!out.contains(d)) {
                out.add(d);
            }
        }
        return out;
    }

    /** The GRANT statements giving {@code account} the privileges of {@code roles}. */
    public static List<String> grants(String account, BsonArray roles) {
        List<String> out = new ArrayList<>();
        for (BsonValue r : roles) {
            privileges(r.asDocument()).forEach(p -> out.add("GRANT " + p + " TO " + account));
        }
        return out;
    }

    /** The REVOKE statements taking back what {@link #grants} gave. */
    public static List<String> revokes(String account, BsonArray roles) {
        List<String> out = new ArrayList<>();
        for (BsonValue r : roles) {
            privileges(r.asDocument()).forEach(p -> out.add("REVOKE " + p + " FROM " + account));
        }
        return out;
    }

    /**
     * The {@code <privileges> ON <scope>} clauses of one role; an unknown role is refused with MongoDB's RoleNotFound.
     * {@code userAdmin} is MaxScale's CREATE USER and GRANT OPTION; CREATE USER exists only globally in MariaDB.
     */
    private static List<String> privileges(BsonDocument role) {
        String name = role.getString("role").getValue();
        String on = " ON " + SqlText.ident(role.getString("db").getValue()) + ".*";
        return switch (name) {
            case "read" -> List.of(READ + on);
            case "readWrite" -> List.of(READ_WRITE + on);
            case "dbAdmin" -> List.of(DB_ADMIN + on);
            case "userAdmin" -> List.of("GRANT OPTION" + on, "CREATE USER ON *.*");
            case "dbOwner" -> List.of("ALL PRIVILEGES" + on);
            case "readAnyDatabase" -> List.of(READ + " ON *.*");
            case "readWriteAnyDatabase" -> List.of(READ_WRITE + " ON *.*");
            case "dbAdminAnyDatabase" -> List.of(DB_ADMIN + " ON *.*");
            case "userAdminAnyDatabase" -> List.of("CREATE USER, GRANT OPTION ON *.*");
            case "root" -> List.of("ALL PRIVILEGES ON *.*", "GRANT OPTION ON *.*");
            default -> throw new NosqlException(31, "RoleNotFound", "Could not find role: " + name + "@"
                    + role.getString("db").getValue());
        };
    }
}
