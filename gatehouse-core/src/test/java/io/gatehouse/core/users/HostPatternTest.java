package io.gatehouse.core.users;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Account host matching and ordering as the server does them, for IP clients. */
class HostPatternTest {
    @Test
    void wildcardsNetmasksAndLocalhost() {
        assertThat(HostPattern.matches("%", "10.1.2.3", true)).isTrue();
        assertThat(HostPattern.matches("10.1.%", "10.1.2.3", true)).isTrue();
        assertThat(HostPattern.matches("10.1.%", "10.2.2.3", true)).isFalse();
        assertThat(HostPattern.matches("10.1.2._", "10.1.2.3", true)).isTrue();
        assertThat(HostPattern.matches("10.1.2._", "10.1.2.33", true)).isFalse();
        assertThat(HostPattern.matches("10.0.0.0/255.0.0.0", "10.200.1.1", true)).isTrue();
        assertThat(HostPattern.matches("10.0.0.0/255.0.0.0", "11.0.0.1", true)).isFalse();
        assertThat(HostPattern.matches("localhost", "127.0.0.1", true)).isTrue();
        assertThat(HostPattern.matches("localhost", "10.0.0.1", true)).isFalse();
        assertThat(HostPattern.matches("%", "127.0.0.1", false)).isFalse();
        assertThat(HostPattern.matches("127.0.0.1", "::ffff:127.0.0.1", true)).isTrue();
    }

    @Test
    void theMostSpecificAccountWins() {
        byte[] none = new byte[0];
        UserAccount any = new UserAccount("app", "%", none, "mysql_native_password", true, false, false, "");
        UserAccount lan = new UserAccount("app", "10.%", none, "mysql_native_password", false, false, false, "");
        UserAccount exact = new UserAccount("app", "10.0.0.5", none, "mysql_native_password", false, false, false, "");
        UserAccount anon = new UserAccount("", "10.0.0.5", none, "mysql_native_password", false, false, false, "");
        UserAccounts users = new UserAccounts(List.of(any, lan, anon, exact), Map.of(), Set.of("test"), 0);
        assertThat(users.find("app", "10.0.0.5", true)).isSameAs(exact);
        assertThat(users.find("app", "10.0.0.6", true)).isSameAs(lan);
        assertThat(users.find("app", "192.168.0.1", true)).isSameAs(any);
        assertThat(users.find("bob", "10.0.0.5", true)).isSameAs(anon);
        assertThat(users.find("bob", "10.0.0.6", true)).isNull();
    }

    @Test
    void databaseGrantsUseLikePatterns() {
        assertThat(UserAccounts.dbLike("shop\\_%", "shop_eu")).isTrue();
        assertThat(UserAccounts.dbLike("shop\\_%", "shopxeu")).isFalse();
        assertThat(UserAccounts.dbLike("app_", "app1")).isTrue();
        UserAccount a = new UserAccount("u", "%", new byte[0], "mysql_native_password", false, false, false, "");
        UserAccounts users = new UserAccounts(List.of(a), Map.of("u@%", Set.of("shop\\_%")), Set.of("shop_eu"), 0);
        assertThat(users.mayUseDatabase(a, "shop_eu")).isTrue();
        assertThat(users.mayUseDatabase(a, "other")).isFalse();
        assertThat(users.mayUseDatabase(a, "information_schema")).isTrue();
    }
}
