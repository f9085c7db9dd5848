package io.gatehouse.protocols.nosql.auth;

import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A NoSQL user as MaxScale keeps it: the MongoDB user of a database, its SCRAM keys (one set per mechanism it may log
 * in with), its roles, and the MariaDB account made for it ({@code 'db.user'@host}), whose password the proxy needs
 * to log the client's backend session in once SCRAM has verified the client. In the listener's local file that
 * password is kept as it is; in a shared table only sealed ({@link PasswordSeal}) under each mechanism's client key,
 * so {@code mariadbPassword} is null until a login opens it. Immutable; any thread; no buffers.
 *
 * @param keys   the SCRAM keys by mechanism (at least one)
 * @param sealed the MariaDB password sealed under each mechanism's client key (empty when none was sealed)
 */
public record NosqlAccount(String db, String user, String mariadbUser, String mariadbHost, String mariadbPassword,
                           Map<Scram.Mechanism, Scram.Keys> keys, Map<Scram.Mechanism, byte[]> sealed, BsonArray roles,
                           BsonDocument customData) {

    public NosqlAccount {
        keys = Collections.unmodifiableMap(new EnumMap<>(keys));
        sealed = sealed.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(sealed));
    }

    /**
     * A new account of {@code password} for {@code mechanisms}: derives the keys (PBKDF2, slow: call it off the event
     * loops) and seals the password under each client key.
     */
    public static NosqlAccount create(String db, String user, String mariadbUser, String mariadbHost, String password,
                                      Collection<Scram.Mechanism> mechanisms, BsonArray roles, BsonDocument customData) {
        Map<Scram.Mechanism, Scram.Keys> keys = new EnumMap<>(Scram.Mechanism.class);
        Map<Scram.Mechanism, byte[]> sealed = new EnumMap<>(Scram.Mechanism.class);
        for (Scram.Mechanism m : mechanisms) {
            Scram.Derived d = Scram.deriveWithClientKey(m, user, password);
            keys.put(m, d.keys());
            sealed.put(m, PasswordSeal.seal(d.clientKey(), mariadbUser, password));
        }
        return new NosqlAccount(db, user, mariadbUser, mariadbHost, password, keys, sealed, roles, customData);
    }

    /** The MariaDB user name MaxScale gives a NoSQL user: the database, a dot, the user. */
    public static String mariadbUserOf(String db, String user) {
        return db + "." + user;
    }

    /** The key of the account in a store: MongoDB users are per database. */
    public String key() {
        return db + "." + user;
    }

    /** The mechanisms the account can log in with, SCRAM-SHA-256 first (the one drivers prefer). */
    public List<Scram.Mechanism> mechanisms() {
        return keys.keySet().stream().sorted((a, b) -> b.compareTo(a)).toList();
    }

    /** The same account with other roles and custom data. */
    public NosqlAccount with(BsonArray newRoles, BsonDocument newCustomData) {
        return new NosqlAccount(db, user, mariadbUser, mariadbHost, mariadbPassword, keys, sealed, newRoles, newCustomData);
    }

    /** The same account with its MariaDB password, opened by a login. */
    NosqlAccount withPassword(String password) {
        return new NosqlAccount(db, user, mariadbUser, mariadbHost, password, keys, sealed, roles, customData);
    }

    /**
     * The account as a document: with {@code clearPassword} the MariaDB password as it is (the local file, readable by
     * the proxy's user only), else only the sealed copies (the shared table).
     */
    public BsonDocument toDocument(boolean clearPassword) {
        BsonDocument scram = new BsonDocument();
        for (Scram.Keys k : keys.values()) {
            BsonDocument d = new BsonDocument("salt", new BsonBinary(k.salt())).append("iterations", new BsonInt32(k.iterations()))
                    .append("stored_key", new BsonBinary(k.storedKey())).append("server_key", new BsonBinary(k.serverKey()));
            if (sealed.containsKey(k.mechanism())) {
                d.append("sealed_password", new BsonBinary(sealed.get(k.mechanism())));
            }
            scram.append(k.mechanism().mongoName(), d);
        }
        BsonDocument doc = new BsonDocument("db", new BsonString(db)).append("user", new BsonString(user))
                .append("mariadb_user", new BsonString(mariadbUser)).append("mariadb_host", new BsonString(mariadbHost));
        if (clearPassword) {
            doc.append("mariadb_password", new BsonString(mariadbPassword));
        }
        return doc.append("scram", scram).append("roles", roles).append("custom_data", customData);
    }

    /** An account {@link #toDocument} wrote; also reads the first file format (SCRAM-SHA-256 keys at the top level). */
    public static NosqlAccount fromDocument(BsonDocument d) {
        Map<Scram.Mechanism, Scram.Keys> keys = new EnumMap<>(Scram.Mechanism.class);
        Map<Scram.Mechanism, byte[]> sealed = new EnumMap<>(Scram.Mechanism.class);
        if (d.isDocument("scram")) {
            for (Map.Entry<String, org.bson.BsonValue> e : d.getDocument("scram").entrySet()) {
                Scram.Mechanism m = Scram.Mechanism.of(e.getKey());
                if (m == null) {
                    throw new IllegalArgumentException("scram: '" + e.getKey() + "' (expected: SCRAM-SHA-1 or SCRAM-SHA-256)");
                }
                BsonDocument k = e.getValue().asDocument();
                keys.put(m, keysOf(m, k));
                if (k.isBinary("sealed_password")) {
                    sealed.put(m, k.getBinary("sealed_password").getData());
                }
            }
        } else {
            keys.put(Scram.Mechanism.SHA_256, keysOf(Scram.Mechanism.SHA_256, d));
        }
        return new NosqlAccount(d.getString("db").getValue(), d.getString("user").getValue(),
                d.getString("mariadb_user").getValue(), d.getString("mariadb_host").getValue(),
                d.isString("mariadb_password") ? d.getString("mariadb_password").getValue() : null, keys, sealed,
                d.getArray("roles", new BsonArray()), d.getDocument("custom_data", new BsonDocument()));
    }

    private static Scram.Keys keysOf(Scram.Mechanism m, BsonDocument k) {
        return new Scram.Keys(m, k.getBinary("salt").getData(), k.getInt32("iterations").getValue(),
                k.getBinary("stored_key").getData(), k.getBinary("server_key").getData());
    }
}
