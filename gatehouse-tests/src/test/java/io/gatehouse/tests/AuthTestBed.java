package io.gatehouse.tests;

import io.gatehouse.protocol.auth.ParsecPassword;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A MariaDB server with an account of every authentication plugin and a Gatehouse in front of it whose listeners a
 * test class chooses, for the login security tests. Accounts: {@code nu} (mysql_native_password, nupwd), {@code edu}
 * (ed25519, edpwd), {@code ctu} (the server's cleartext test plugin, ctpwd), {@code pu} (parsec as 11.6 stores it,
 * pupwd), plus the test kit's. Services: {@code Svc} (readconnroute), {@code Svc8} (greets as MySQL 5.7 so MySQL
 * Connector/J speaks its SHA-256 plugins) and {@code Split} (readwritesplit). The test thread; owns no buffers.
 */
final class AuthTestBed implements AutoCloseable {
    final MariaDbServer db;
    final Gatehouse gatehouse;
    final Path dir;

    private AuthTestBed(MariaDbServer db, Gatehouse gatehouse, Path dir) {
        this.db = db;
        this.gatehouse = gatehouse;
        this.dir = dir;
    }

    /**
     * Starts both. {@code sql} runs on the server after the standard accounts; {@code global} goes into
     * {@code [maxscale]}; {@code sections} are the listeners (and anything else) of the test.
     */
    static AuthTestBed start(Path dir, String name, int serverId, String sql, String global, String sections)
            throws Exception {
        MariaDbServer db = MariaDbServer.startStandalone(null, name, serverId, List.of(
                "--plugin-load-add=auth_ed25519", "--plugin-maturity=unknown"));
        try {
            db.execute("CREATE USER 'edu'@'%' IDENTIFIED VIA ed25519 USING PASSWORD('edpwd');"
                    + "GRANT SELECT ON test.* TO 'edu'@'%';"
                    + "INSTALL SONAME 'auth_test_plugin';"
                    + "CREATE USER 'ctu'@'%' IDENTIFIED VIA cleartext_plugin_server USING 'ctpwd';"
                    + "GRANT SELECT ON test.* TO 'ctu'@'%';"
                    + "CREATE USER 'nu'@'%' IDENTIFIED BY 'nupwd';"
                    + "GRANT SELECT ON test.* TO 'nu'@'%';"
                    + "INSERT INTO mysql.global_priv VALUES ('%', 'pu', '{\"access\":0,\"plugin\":\"parsec\","
                    + "\"authentication_string\":\"" + ParsecPassword.authString("pupwd", 0) + "\"}');"
                    + "FLUSH PRIVILEGES;"
                    + "GRANT SELECT ON test.* TO 'pu'@'%';" + sql);
            String cnf = "[maxscale]\nthreads=2\nadmin_enabled=false\n" + global + "\nlogdir=" + dir
                    + "\npiddir=" + dir + "\ndatadir=" + dir + "\npersistdir=" + dir + "\n\n"
                    + "[db]\ntype=server\naddress=127.0.0.1\nport=" + db.port() + "\n\n"
                    + "[Svc]\ntype=service\nrouter=readconnroute\nrouter_options=running\nservers=db\nuser="
                    + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD + "\n\n"
                    + "[Svc8]\ntype=service\nrouter=readconnroute\nrouter_options=running\nservers=db\n"
                    + "version_string=5.7.19-gatehouse\nuser=" + Accounts.SERVICE_USER + "\npassword="
                    + Accounts.SERVICE_PASSWORD + "\n\n"
                    + "[Split]\ntype=service\nrouter=readwritesplit\nservers=db\nuser=" + Accounts.SERVICE_USER
                    + "\npassword=" + Accounts.SERVICE_PASSWORD + "\n\n" + sections;
            Files.writeString(dir.resolve("gatehouse.cnf"), cnf);
            return new AuthTestBed(db, Gatehouse.start(dir.resolve("gatehouse.cnf")), dir);
        } catch (Exception | Error e) {
            db.close();
            throw e;
        }
    }

    /** A user_mapping_file that maps each of {@code clientUsers} to the test kit's application account. */
    static Path mappingToApp(Path dir, String... clientUsers) throws Exception {
        StringBuilder map = new StringBuilder();
        for (String u : clientUsers) {
            map.append(map.length() == 0 ? "" : ", ").append("{\"original_user\": \"").append(u)
                    .append("\", \"mapped_user\": \"").append(Accounts.APP_USER).append("\"}");
        }
        Path file = dir.resolve("mapping.json");
        Files.writeString(file, "{\"user_map\": [" + map + "], \"server_credentials\": [{\"mapped_user\": \""
                + Accounts.APP_USER + "\", \"password\": \"" + Accounts.APP_PASSWORD
                + "\", \"plugin\": \"mysql_native_password\"}]}");
        return file;
    }

    static String listener(String name, String service, String options) {
        return "[" + name + "]\ntype=listener\nservice=" + service + "\naddress=127.0.0.1\nport=0\n" + options + "\n\n";
    }

    int port(String listener) {
        return gatehouse.port(listener);
    }

    /** Waits until Gatehouse has no session left (up to 15 s) and returns how many remain. */
    int sessionsAfterQuiet() throws InterruptedException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (gatehouse.runtime().sessions().size() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        return gatehouse.runtime().sessions().size();
    }

    /** Reloads the service's accounts now (after the test changed them). */
    void reloadUsers(String service) throws Exception {
        gatehouse.runtime().services().get(service).users().refresh(true)
                .get(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        try {
            gatehouse.close();
        } finally {
            db.close();
        }
    }
}
