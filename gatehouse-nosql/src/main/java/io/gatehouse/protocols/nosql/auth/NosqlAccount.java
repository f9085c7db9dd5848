package io.gatehouse.protocols.nosql.auth;

import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;

/**
 * One NoSQL account as the listener keeps it: the MongoDB user and its database, the SCRAM-SHA-256 keys its password
 * is checked with, and the MariaDB account it maps to ({@code <db>.<user>} at the listener's {@code host}), whose
 * password the proxy needs in clear to log the client's backend session in once SCRAM has verified the client.
 * Immutable; any thread; no buffers.
 */
public record NosqlAccount(String db, String user, String mariadbUser, String mariadbHost, String mariadbPassword,
                           ScramSha256.Keys keys, BsonArray roles, BsonDocument customData) {

    /** The MariaDB user name MaxScale gives a NoSQL user: the database, a dot, the user. */
    public static String mariadbUserOf(String db, String user) {
        return db + "." + user;
    }

    /** The key of the account in a store: MongoDB users are per database. */
    public String key() {
        return db + "." + user;
    }

    BsonDocument toDocument() {
        return new BsonDocument("db", new BsonString(db)).append("user", new BsonString(user))
                .append("mariadb_user", new BsonString(mariadbUser)).append("mariadb_host", new BsonString(mariadbHost))
                .append("mariadb_password", new BsonString(mariadbPassword))
                .append("salt", new BsonBinary(keys.salt())).append("iterations", new BsonInt32(keys.iterations()))
                .append("stored_key", new BsonBinary(keys.storedKey())).append("server_key", new BsonBinary(keys.serverKey()))
                .append("roles", roles).append("custom_data", customData);
    }

    static NosqlAccount fromDocument(BsonDocument d) {
        return new NosqlAccount(d.getString("db").getValue(), d.getString("user").getValue(),
                d.getString("mariadb_user").getValue(), d.getString("mariadb_host").getValue(),
                d.getString("mariadb_password").getValue(),
                new ScramSha256.Keys(d.getBinary("salt").getData(), d.getInt32("iterations").getValue(),
                        d.getBinary("stored_key").getData(), d.getBinary("server_key").getData()),
                d.getArray("roles", new BsonArray()), d.getDocument("custom_data", new BsonDocument()));
    }
}
