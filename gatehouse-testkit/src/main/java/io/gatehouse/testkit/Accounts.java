package io.gatehouse.testkit;

/**
 * The fixed accounts and database that exist on every server the testkit starts; a constants holder with no state,
 * safe from any thread.
 *
 * <p>They are baked into the data directory template before any server starts, so every server (primary, replicas
 * and standalone) has them from its first second and no replication of account statements is involved: the
 * binlogs start empty and GTID positions start at nothing.
 */
public final class Accounts {
    /** Root, as {@code root@localhost} (unix socket) and {@code root@'%'} (TCP), with all privileges. */
    public static final String ROOT_USER = "root", ROOT_PASSWORD = "rootpwd";
    /** What a MaxScale-style service and monitor needs: reading grants, monitoring and steering replication. */
    public static final String SERVICE_USER = "maxuser", SERVICE_PASSWORD = "maxpwd";
    /** The account replicas use to connect to their primary. */
    public static final String REPL_USER = "repl", REPL_PASSWORD = "replpwd";
    /** An application account: all data and schema privileges on every database, no administration. */
    public static final String APP_USER = "app", APP_PASSWORD = "apppwd";
    /** A database that exists on every server. */
    public static final String DATABASE = "test";

    private Accounts() {
    }

    /** The SQL that creates the accounts and the database; run once in bootstrap mode on the template. */
    static String bootstrapSql() {
        return String.join("\n",
                // Bootstrap mode starts with grant tables off; loading them makes account statements work.
                "FLUSH PRIVILEGES;",
                // mariadb-install-db also creates password-less root@127.0.0.1, root@::1 and root@<hostname>; they
                // would shadow root@'%' for TCP clients, so only root@localhost survives.
                "DELETE FROM mysql.global_priv WHERE User = 'root' AND Host <> 'localhost';",
                "DELETE FROM mysql.proxies_priv WHERE User = 'root' AND Host <> 'localhost';",
                "FLUSH PRIVILEGES;",
                "ALTER USER 'root'@'localhost' IDENTIFIED BY '" + ROOT_PASSWORD + "';",
                "CREATE USER 'root'@'%' IDENTIFIED BY '" + ROOT_PASSWORD + "';",
                "GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;",
                "CREATE USER '" + SERVICE_USER + "'@'%' IDENTIFIED BY '" + SERVICE_PASSWORD + "';",
                "GRANT SELECT ON mysql.* TO '" + SERVICE_USER + "'@'%';",
                "GRANT SHOW DATABASES, REPLICATION CLIENT, SLAVE MONITOR, SUPER, RELOAD, PROCESS, READ_ONLY ADMIN,"
                        + " BINLOG ADMIN, REPLICATION SLAVE ADMIN, REPLICATION MASTER ADMIN, REPLICATION SLAVE,"
                        + " CONNECTION ADMIN, EVENT ON *.* TO '" + SERVICE_USER + "'@'%';",
                "CREATE USER '" + REPL_USER + "'@'%' IDENTIFIED BY '" + REPL_PASSWORD + "';",
                "GRANT REPLICATION SLAVE, SLAVE MONITOR ON *.* TO '" + REPL_USER + "'@'%';",
                "CREATE USER '" + APP_USER + "'@'%' IDENTIFIED BY '" + APP_PASSWORD + "';",
                "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, REFERENCES, INDEX, ALTER, SHOW DATABASES,"
                        + " CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, CREATE VIEW, SHOW VIEW, CREATE ROUTINE,"
                        + " ALTER ROUTINE, EVENT, TRIGGER ON *.* TO '" + APP_USER + "'@'%';",
                "CREATE DATABASE `" + DATABASE + "`;",
                "");
    }
}
