package io.gatehouse.core.session.login;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which plugin the greeting names for a service's version_string. JUnit test thread. */
class DefaultPluginTest {
    @Test
    void servicesPresentingAsMySql8OrLaterGreetWithCachingSha2() {
        assertThat(ClientCapabilities.defaultPlugin("8.0.36-gatehouse")).isEqualTo("caching_sha2_password");
        assertThat(ClientCapabilities.defaultPlugin("9.1.0")).isEqualTo("caching_sha2_password");
        assertThat(ClientCapabilities.defaultPlugin("5.7.19-gatehouse")).isEqualTo("mysql_native_password");
        assertThat(ClientCapabilities.defaultPlugin("5.5.5-10.11.6-MariaDB")).isEqualTo("mysql_native_password");
        // MariaDB 11 dropped the 5.5.5- prefix; it is still not MySQL 8.
        assertThat(ClientCapabilities.defaultPlugin("11.4.2-MariaDB")).isEqualTo("mysql_native_password");
        assertThat(ClientCapabilities.defaultPlugin("")).isEqualTo("mysql_native_password");
    }
}
