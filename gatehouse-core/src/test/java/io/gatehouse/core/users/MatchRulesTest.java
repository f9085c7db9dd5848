package io.gatehouse.core.users;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A listener's matching rules (match_host, lower_case_table_names, the authenticator list), host-name accounts and
 * the union of several servers' accounts (auth_all_servers). Pure; JUnit thread.
 */
class MatchRulesTest {
    private static final byte[] NONE = new byte[0];

    private static UserAccount account(String user, String host) {
        return new UserAccount(user, host, NONE, "mysql_native_password", false, false, false, "");
    }

    @Test
    void matchHostFalseIgnoresTheClientsHost() {
        UserAccount onlyFromProxy = account("jdoe", "10.9.9.9");
        UserAccounts users = new UserAccounts(List.of(onlyFromProxy), Map.of(), Set.of(), 0);
        assertThat(users.find("jdoe", "192.168.1.50", true)).isNull();
        UserAccounts anyHost = users.withRules(new MatchRules(false, 0, true));
        assertThat(anyHost.find("jdoe", "192.168.1.50", true)).isSameAs(onlyFromProxy);
        assertThat(anyHost.find("other", "192.168.1.50", true)).isNull();
    }

    @Test
    void lowerCaseTableNamesDecidesHowDatabaseNamesCompare() {
        UserAccount a = account("u", "%");
        UserAccounts users = new UserAccounts(List.of(a), Map.of("u@%", Set.of("shop")), Set.of("shop"), 0);
        // 0: exact, as MaxScale's default and a case-sensitive server.
        assertThat(users.mayUseDatabase(a, "shop")).isTrue();
        assertThat(users.mayUseDatabase(a, "Shop")).isFalse();
        assertThat(users.databaseExists("SHOP")).isFalse();
        // 1: the requested name is lower-cased first.
        UserAccounts lower = users.withRules(new MatchRules(true, 1, true));
        assertThat(lower.mayUseDatabase(a, "SHOP")).isTrue();
        assertThat(lower.databaseExists("Shop")).isTrue();
        // 2: case-insensitive both ways.
        UserAccounts upperStored = new UserAccounts(List.of(a), Map.of("u@%", Set.of("Shop")), Set.of("Shop"), 0)
                .withRules(new MatchRules(true, 2, true));
        assertThat(upperStored.mayUseDatabase(a, "sHoP")).isTrue();
        assertThat(upperStored.databaseExists("SHOP")).isTrue();
        UserAccounts upperStoredLower = upperStored.withRules(new MatchRules(true, 1, true));
        assertThat(upperStoredLower.databaseExists("Shop")).isFalse();
    }

    @Test
    void anAuthenticatorListWithoutEd25519HidesEd25519Accounts() {
        UserAccount ed = new UserAccount("ed", "%", null, "ed25519", false, false, false, "", "", "key");
        UserAccounts users = new UserAccounts(List.of(ed), Map.of(), Set.of(), 0);
        assertThat(users.find("ed", "10.0.0.1", true)).isSameAs(ed);
        assertThat(users.withRules(new MatchRules(true, 0, false)).find("ed", "10.0.0.1", true)).isNull();
    }

    @Test
    void hostNameAccountsMatchOnlyWhenResolved() {
        assertThat(HostNames.isHostName("web1.example.com")).isTrue();
        assertThat(HostNames.isHostName("vm")).isTrue();
        assertThat(HostNames.isHostName("localhost")).isFalse();
        assertThat(HostNames.isHostName("10.0.0.1")).isFalse();
        assertThat(HostNames.isHostName("10.0.%")).isFalse();
        assertThat(HostNames.isHostName("%.example.com")).isFalse();
        assertThat(HostNames.isHostName("::1")).isFalse();
        assertThat(HostNames.isHostName("10.0.0.0/255.0.0.0")).isFalse();
        // The machine's own name, from the hosts file, stands for any host name.
        String name;
        String address;
        try {
            java.net.InetAddress local = java.net.InetAddress.getLocalHost();
            name = local.getHostName();
            address = java.net.InetAddress.getAllByName(name)[0].getHostAddress();
        } catch (java.net.UnknownHostException e) {
            org.junit.jupiter.api.Assumptions.abort("this machine's name does not resolve: " + e);
            return;
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(HostNames.isHostName(name), name);
        UserAccount byName = account("n", name);
        UserAccounts users = new UserAccounts(List.of(byName), Map.of(), Set.of(), 0);
        assertThat(users.find("n", address, true)).isNull();
        UserAccounts resolved = users.withHostNames(HostNames.resolve(users.accounts()));
        assertThat(resolved.find("n", address, true)).isSameAs(byName);
        assertThat(resolved.find("n", "192.0.2.77", true)).isNull();
    }

    @Test
    void unionKeepsEveryServersAccountsGrantsAndDatabases() {
        UserAccount app = account("app", "%");
        UserAccount onlyOnSecond = account("second", "%");
        UserAccounts first = new UserAccounts(List.of(app), Map.of("app@%", Set.of("a")), Set.of("a"), 1);
        UserAccounts second = new UserAccounts(List.of(account("app", "%"), onlyOnSecond),
                Map.of("app@%", Set.of("b"), "second@%", Set.of("b")), Set.of("b"), 2);
        UserAccounts all = UserAccounts.union(List.of(first, second));
        assertThat(all.size()).isEqualTo(2);
        assertThat(all.find("app", "10.0.0.1", true)).isSameAs(app);
        assertThat(all.find("second", "10.0.0.1", true)).isSameAs(onlyOnSecond);
        assertThat(all.mayUseDatabase(app, "a")).isTrue();
        assertThat(all.mayUseDatabase(app, "b")).isTrue();
        assertThat(all.databaseExists("b")).isTrue();
        assertThat(all.loadedAtMillis()).isEqualTo(2);
    }
}
