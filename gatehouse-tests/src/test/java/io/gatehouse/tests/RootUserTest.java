package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.protocol.auth.ParsecPassword;
import io.gatehouse.testkit.Accounts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code enable_root_user=false} (the default) refuses root on every login path, not only mysql_native_password:
 * caching_sha2_password and sha256_password (MySQL Connector/J), cleartext passthrough, ed25519 and parsec through a
 * user_mapping_file (raw clients placed by a PROXY header), and COM_CHANGE_USER. Real server and clients; the test
 * thread.
 */
class RootUserTest {
    @TempDir
    static Path dir;
    static AuthTestBed bed;

    @BeforeAll
    static void start() throws Exception {
        Path mapping = AuthTestBed.mappingToApp(dir, "root", "edr", "par");
        bed = AuthTestBed.start(dir, "rootdb", 83,
                // Root (and other) accounts of the other plugins, for clients that a PROXY header places on 10.9.9.x.
                "CREATE USER 'root'@'10.9.9.2' IDENTIFIED VIA ed25519 USING PASSWORD('rootedpwd');"
                        + "CREATE USER 'edr'@'10.9.9.2' IDENTIFIED VIA ed25519 USING PASSWORD('edrpwd');"
                        + "INSERT INTO mysql.global_priv VALUES ('10.9.9.3', 'root', '" + parsec("rootpupwd") + "'),"
                        + " ('10.9.9.3', 'par', '" + parsec("parpwd") + "'); FLUSH PRIVILEGES;",
                "max_auth_errors_until_block=0",
                AuthTestBed.listener("MySQL8", "Svc8", "")
                        + AuthTestBed.listener("Clear", "Svc", "authenticator_options=clear_pw_passthrough=true")
                        + AuthTestBed.listener("MappedProxy", "Svc", "user_mapping_file=" + mapping
                        + "\nproxy_protocol_networks=127.0.0.1/32"));
    }

    private static String parsec(String password) {
        return "{\"access\":0,\"plugin\":\"parsec\",\"authentication_string\":\""
                + ParsecPassword.authString(password, 0) + "\"}";
    }

    @AfterAll
    static void stop() {
        if (bed != null) {
            bed.close();
        }
    }

    private static String mysql(String plugin) {
        return "jdbc:mysql://127.0.0.1:" + bed.port("MySQL8") + "/" + Accounts.DATABASE
                + "?sslMode=DISABLED&allowPublicKeyRetrieval=true&defaultAuthenticationPlugin=" + plugin;
    }

    private static String current(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT CURRENT_USER()")) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    @Test
    void rootIsRefusedWithTheSha256PluginsOfMySqlConnector() throws Exception {
        for (String plugin : new String[] {"caching_sha2_password", "sha256_password"}) {
            assertThatThrownBy(() -> DriverManager.getConnection(mysql(plugin), Accounts.ROOT_USER,
                    Accounts.ROOT_PASSWORD).close()).as(plugin).isInstanceOf(SQLException.class)
                    .hasMessageContaining("Access denied");
        }
    }

    @Test
    void rootIsRefusedWithCleartextPassthrough() throws Exception {
        try (RawSession s = RawSession.connect("127.0.0.1", bed.port("Clear"), new byte[0])) {
            assertThat(s.login(Accounts.ROOT_USER, Accounts.ROOT_PASSWORD)).startsWith("1045");
        }
    }

    /** A login through the PROXY-protocol listener claiming to come from {@code client}; null or the error. */
    private static String viaProxy(String client, String user, String password) throws Exception {
        byte[] header = ("PROXY TCP4 " + client + " 127.0.0.1 40000 3306\r\n").getBytes(StandardCharsets.US_ASCII);
        try (RawSession s = RawSession.connect("127.0.0.1", bed.port("MappedProxy"), header)) {
            String err = s.login(user, password);
            return err != null ? err : s.scalar("SELECT CURRENT_USER()");
        }
    }

    @Test
    void rootIsRefusedWithEd25519AndParsecThroughAMapping() throws Exception {
        // The exchanges work: the same kind of accounts of another name log in through the mapping.
        assertThat(viaProxy("10.9.9.2", "edr", "edrpwd")).isEqualTo(Accounts.APP_USER + "@%");
        assertThat(viaProxy("10.9.9.3", "par", "parpwd")).isEqualTo(Accounts.APP_USER + "@%");
        assertThat(viaProxy("10.9.9.2", Accounts.ROOT_USER, "rootedpwd")).startsWith("1045");
        assertThat(viaProxy("10.9.9.3", Accounts.ROOT_USER, "rootpupwd")).startsWith("1045");
    }

    @Test
    void rootIsRefusedByChangeUser() throws Exception {
        try (Connection c = DriverManager.getConnection(mysql("caching_sha2_password"), "nu", "nupwd")) {
            com.mysql.cj.jdbc.JdbcConnection mysql = c.unwrap(com.mysql.cj.jdbc.JdbcConnection.class);
            assertThatThrownBy(() -> mysql.changeUser(Accounts.ROOT_USER, Accounts.ROOT_PASSWORD))
                    .isInstanceOf(SQLException.class).hasMessageContaining("Access denied");
        }
        try (RawSession s = RawSession.connect("127.0.0.1", bed.port("Clear"), new byte[0])) {
            assertThat(s.login("nu", "nupwd")).isNull();
            assertThat(s.changeUser(Accounts.ROOT_USER, Accounts.ROOT_PASSWORD)).startsWith("1045");
        }
    }
}
