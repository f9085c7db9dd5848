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
 * backend, not the proxy, enforces what a user may do. Stateless; any thread; no buffers.
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
            out.add("GRANT " + privileges(r.asDocument()) + " TO " + account);
        }
        return out;
    }

    /** The REVOKE statements taking back what {@link #grants} gave. */
    public static List<String> revokes(String account, BsonArray roles) {
        List<String> out = new ArrayList<>();
        for (BsonValue r : roles) {
            out.add("REVOKE " + privileges(r.asDocument()) + " FROM " + account);
        }
        return out;
    }

    /** {@code <privileges> ON <scope>} of one role; an unknown role is refused with MongoDB's RoleNotFound. */
    private static String privileges(BsonDocument role) {
        String name = role.getString("role").getValue();
        String on = " ON " + SqlText.ident(role.getString("db").getValue()) + ".*";
        return switch (name) {
            case "read" -> READ + on;
            case "readWrite" -> READ_WRITE + on;
            case "dbAdmin" -> DB_ADMIN + on;
            case "dbOwner" -> "ALL PRIVILEGES" + on;
            case "readAnyDatabase" -> READ + " ON *.*";
            case "readWriteAnyDatabase" -> READ_WRITE + " ON *.*";
            case "dbAdminAnyDatabase" -> DB_ADMIN + " ON *.*";
            case "root" -> "ALL PRIVILEGES ON *.*";
            default -> throw new NosqlException(31, "RoleNotFound", "Could not find role: " + name + "@"
                    + role.getString("db").getValue());
        };
    }
}
