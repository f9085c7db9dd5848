package io.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.core.config.ConfigException;
import io.gatehouse.core.config.GatehouseConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading {@code maxscale.cnf} files as MaxScale users write them, with every built-in module on the class path:
 * value types, defaults, includes, the {@code .d} directory, and the one-line errors that stop a start.
 */
class ConfigurationTest {
    @TempDir
    Path dir;

    private static final String SERVERS = """
            [server1]
            type=server
            address=127.0.0.1
            port=3306

            [server2]
            type=server
            address=127.0.0.1
            port=3307
            rank=secondary
            """;

    private static final String MONITOR = """
            [Mon]
            type=monitor
            module=mariadbmon
            servers=server1,server2
            user=u
            password=p
            monitor_interval=1500ms
            """;

    private GatehouseConfig load(String text) throws Exception {
        Path f = dir.resolve("gatehouse.cnf");
        Files.writeString(f, text);
        return Gatehouse.check(f);
    }

    private String error(String text) {
        Path f = dir.resolve("gatehouse.cnf");
        try {
            Files.writeString(f, text);
            Gatehouse.check(f);
        } catch (ConfigException e) {
            return e.getMessage();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("the configuration was accepted");
    }

    @Test
    void readsTypesDefaultsAndClusterTargets() throws Exception {
        GatehouseConfig c = load("[maxscale]\nthreads=3\nwriteq_high_water=128Ki\nusers_refresh_time=2m\n" + SERVERS
                + MONITOR + """
                [Svc]
                type=service
                router=readconnroute
                router_options=slave,master
                cluster=Mon
                user=u
                password=secret
                max_replication_lag=30s

                [L]
                type=listener
                service=Svc
                port=4006
                """);
        assertThat(c.global().string("threads")).isEqualTo("3");
        assertThat(c.global().size("writeq_high_water")).isEqualTo(128 * 1024);
        assertThat(c.global().size("writeq_low_water")).isEqualTo(1024);
        assertThat(c.global().duration("users_refresh_time")).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.server("server1").params().string("rank")).isEqualTo("primary");
        assertThat(c.server("server2").params().string("rank")).isEqualTo("secondary");
        assertThat(c.monitor("Mon").params().duration("monitor_interval")).isEqualTo(Duration.ofMillis(1500));
        assertThat(c.monitor("Mon").params().integer("failcount")).isEqualTo(5);
        assertThat(c.service("Svc").targets()).containsExactly("server1", "server2");
        assertThat(c.service("Svc").params().mask("router_options")).containsExactlyInAnyOrder("slave", "master");
        assertThat(c.service("Svc").params().text("password")).isEqualTo("*****");
        assertThat(c.listeners()).singleElement().satisfies(l -> assertThat(l.params().string("address")).isEqualTo("::"));
    }

    @Test
    void includesAndTheDotDDirectoryAreMerged() throws Exception {
        Path d = dir.resolve("gatehouse.cnf.d");
        Files.createDirectories(d);
        Files.writeString(d.resolve("10-monitor.cnf"), MONITOR);
        Files.writeString(d.resolve("ignored.txt"), "[nonsense\n");
        GatehouseConfig c = load(SERVERS + """
                [Common]
                type=include
                user=u
                password=p
                router=readconnroute

                [Svc]
                type=service
                @include=Common
                servers=server1
                """);
        assertThat(c.monitors()).singleElement().satisfies(m -> assertThat(m.name()).isEqualTo("Mon"));
        assertThat(c.service("Svc").params().string("user")).isEqualTo("u");
        assertThat(c.service("Svc").module()).isEqualTo("readconnroute");
    }

    @Test
    void anUnknownParameterIsNamedWithItsSectionAndValue() {
        String msg = error(SERVERS.replace("rank=secondary", "rank=secondary\nconnection_limit=5"));
        assertThat(msg).isEqualTo("[server2] connection_limit: '5' (expected: a parameter of a server; unknown parameter)");
    }

    @Test
    void aBadValueNamesTheRule() {
        assertThat(error(SERVERS.replace("port=3307", "port=abc")))
                .isEqualTo("[server2] port: 'abc' (expected: a non-negative integer)");
        assertThat(error(SERVERS.replace("rank=secondary", "rank=tertiary")))
                .isEqualTo("[server2] rank: 'tertiary' (expected: one of primary, secondary)");
        assertThat(error(SERVERS + MONITOR.replace("1500ms", "soon")))
                .isEqualTo("[Mon] monitor_interval: 'soon' (expected: a duration such as 10s, 500ms or 1h)");
    }

    @Test
    void unknownModulesAndDanglingReferencesStopTheStart() {
        assertThat(error(SERVERS + "[S]\ntype=service\nrouter=nosuchrouter\nservers=server1\nuser=u\npassword=p\n"))
                .startsWith("[S] router: 'nosuchrouter' (expected: one of [");
        assertThat(error(SERVERS + "[S]\ntype=service\nrouter=readconnroute\nservers=server9\nuser=u\npassword=p\n"))
                .contains("[S] servers: 'server9'").contains("'server9' is not one");
        assertThat(error(SERVERS + "[L]\ntype=listener\nservice=Nope\nport=1\n"))
                .isEqualTo("[L] service: 'Nope' (expected: the name of a service section)");
        assertThat(error(SERVERS + MONITOR + "[S]\ntype=service\nrouter=readconnroute\nservers=server1\ncluster=Mon\n"
                + "user=u\npassword=p\n")).contains("only one of servers, targets and cluster");
    }

    @Test
    void missingMandatoryParametersAndDuplicatesAreRefused() {
        assertThat(error("[S]\ntype=service\nrouter=readconnroute\nuser=u\n"))
                .isEqualTo("[S] password: missing (expected: a password)");
        assertThat(error("[a]\ntype=server\naddress=x\n[a]\ntype=server\n")).contains("defined twice");
        assertThat(error("[a]\ntype=server\naddress=x\naddress=y\n")).contains("[a] address: given twice");
    }

    @Test
    void featuresOfLaterVersionsAreRefusedNotIgnored() {
        assertThat(error(SERVERS + MONITOR.replace("monitor_interval=1500ms", "cooperative_monitoring_locks=everyone")
                + "[S]\ntype=service\nrouter=readconnroute\ncluster=Mon\nuser=u\npassword=p\n"))
                .isEqualTo("[Mon] cooperative_monitoring_locks: 'everyone' (expected: one of none, majority_of_all,"
                        + " majority_of_running)");
    }

    @Test
    void tlsSettingsThatCannotWorkAreRefusedWithTheirName() {
        String service = "[S]\ntype=service\nrouter=readconnroute\ncluster=Mon\nuser=u\npassword=p\n";
        assertThat(error(SERVERS + MONITOR + service + "[L]\ntype=listener\nservice=S\nport=4006\nssl=true\n"))
                .startsWith("[L] ssl_cert: missing");
        assertThat(error(SERVERS.replace("port=3306", "port=3306\nssl=true\nssl_ca=/no/such/ca.pem") + MONITOR + service))
                .isEqualTo("[server1] ssl_ca: '/no/such/ca.pem' (expected: a readable file)");
        assertThat(error(SERVERS + MONITOR + service
                + "[L]\ntype=listener\nservice=S\nport=4006\nproxy_protocol_networks=10.0.0.0/33\n"))
                .contains("[L] proxy_protocol_networks");
    }

    @Test
    void authenticatorsAndOptionsGatehouseWouldIgnoreAreRefusedByName() throws Exception {
        String service = "[S]\ntype=service\nrouter=readconnroute\ncluster=Mon\nuser=u\npassword=p\n";
        String listener = "[L]\ntype=listener\nservice=S\nport=4006\n";
        assertThat(error(SERVERS + MONITOR + service + listener + "authenticator=gssapiauth\n"))
                .isEqualTo("[L] authenticator: 'gssapiauth' (expected: a comma-separated list of mariadbauth,"
                        + " ed25519auth and pamauth; Gatehouse has no gssapiauth module)");
        // pamauth: what it does not implement is refused by name, and its options need it in the list.
        String pam = listener + "authenticator=mariadbauth,PAMAuth\n";
        assertThat(error(SERVERS + MONITOR + service + pam + "authenticator_options=pam_mode=password_2FA\n"))
                .isEqualTo("[L] authenticator_options: pam_mode='password_2FA' (expected: password or suid; Gatehouse's"
                        + " pamauth does not implement pam_mode=password_2FA)");
        assertThat(error(SERVERS + MONITOR + service + pam + "authenticator_options=pam_backend_mapping=mariadb\n"))
                .startsWith("[L] authenticator_options: pam_backend_mapping='mariadb' (expected: none;");
        assertThat(error(SERVERS + MONITOR + service + pam + "authenticator_options=pam_mapped_pw_file=/tmp/pw.json\n"))
                .startsWith("[L] authenticator_options: pam_mapped_pw_file='/tmp/pw.json' (expected: no"
                        + " pam_mapped_pw_file;");
        assertThat(error(SERVERS + MONITOR + service + pam + "authenticator_options=pam_use_cleartext_plugin=perhaps\n"))
                .isEqualTo("[L] authenticator_options: pam_use_cleartext_plugin='perhaps' (expected: true or false)");
        assertThat(error(SERVERS + MONITOR + service + listener + "authenticator_options=pam_use_cleartext_plugin=true\n"))
                .isEqualTo("[L] authenticator_options: pam_use_cleartext_plugin='true' (expected: only with pamauth"
                        + " in the listener's authenticator list)");
        load(SERVERS + MONITOR + service + pam
                + "authenticator_options=pam_use_cleartext_plugin=true,pam_mode=password,pam_backend_mapping=none\n");
        assertThat(error(SERVERS + MONITOR + service + listener + "authenticator=MariaDBAuth,gssapiauth\n"))
                .startsWith("[L] authenticator: 'gssapiauth'");
        assertThat(error(SERVERS + MONITOR + service + listener + "authenticator_options=log_password_mismatch=true\n"))
                .isEqualTo("[L] authenticator_options: log_password_mismatch='true' (expected: false; Gatehouse never"
                        + " writes password hashes to its log)");
        assertThat(error(SERVERS + MONITOR + service + listener + "authenticator_options=cache_dir=/tmp\n"))
                .startsWith("[L] authenticator_options: cache_dir='/tmp' (expected: none of cache_dir;");
        assertThat(error(SERVERS + MONITOR + service + listener + "authenticator_options=lower_case_table_names=3\n"))
                .isEqualTo("[L] authenticator_options: lower_case_table_names='3' (expected: 0, 1 or 2)");
        assertThat(error(SERVERS + MONITOR + service + listener + "authenticator_options=match_host=maybe\n"))
                .isEqualTo("[L] authenticator_options: match_host='maybe' (expected: true or false)");
        assertThat(error(SERVERS + MONITOR + service + listener + "authenticator_options=no_such_option=1\n"))
                .startsWith("[L] authenticator_options: no_such_option='1' (expected: one of skip_authentication,");
        // What Gatehouse implements is accepted, with MaxScale's spellings.
        load(SERVERS + MONITOR + service + listener + "authenticator=mysqlauth,ED25519AUTH\n"
                + "authenticator_options=match_host=false,lower_case_table_names=true,log_password_mismatch=false\n");
    }

    @Test
    void aServersMonitorAccountNeedsBothHalves() throws Exception {
        assertThat(error(SERVERS.replace("port=3307", "port=3307\nmonitorpw=secret")))
                .isEqualTo("[server2] monitorpw: '*****' (expected: together with monitoruser, whose password it is)");
        assertThat(error(SERVERS.replace("port=3307", "port=3307\nmonitoruser=mon2")))
                .isEqualTo("[server2] monitoruser: 'mon2' (expected: together with monitorpw, its password)");
        GatehouseConfig c = load(SERVERS.replace("port=3307", "port=3307\nmonitoruser=mon2\nmonitorpw=pw2\npriority=-1"));
        assertThat(c.server("server2").params().string("monitoruser")).isEqualTo("mon2");
        assertThat(c.server("server2").params().integer("priority")).isEqualTo(-1);
    }

    @Test
    void nameResolutionIsOnByDefaultAsInMaxScale() throws Exception {
        assertThat(load(SERVERS).global().bool("skip_name_resolve")).isFalse();
        assertThat(load("[maxscale]\nskip_name_resolve=true\n" + SERVERS).global().bool("skip_name_resolve")).isTrue();
    }

    @Test
    void settingsGatehouseCannotHonourAreRefused() {
        assertThat(error("[maxscale]\nadmin_gui=true\n" + SERVERS))
                .isEqualTo("[maxscale] admin_gui: 'true' (expected: false; Gatehouse has no GUI)");
        assertThat(error(SERVERS.replace("port=3307", "port=3307\nprotocol=postgresbackend")))
                .isEqualTo("[server2] protocol: 'postgresbackend' (expected: mariadbbackend)");
        assertThat(error(SERVERS + MONITOR + "[S]\ntype=service\nrouter=readconnroute\ncluster=Mon\nuser=u\npassword=p\n"
                + "[L]\ntype=listener\nservice=S\nport=4006\nssl_verify_peer_host=true\n"))
                .startsWith("[L] ssl_verify_peer_host: 'true' (expected: false;");
    }

    @Test
    void logNoticeFalseKeepsWarningsAndErrorsOnly() {
        assertThat(Logging.level(false, false, true, true)).isEqualTo(ch.qos.logback.classic.Level.INFO);
        assertThat(Logging.level(false, false, true, false)).isEqualTo(ch.qos.logback.classic.Level.WARN);
        assertThat(Logging.level(false, false, false, true)).isEqualTo(ch.qos.logback.classic.Level.ERROR);
        assertThat(Logging.level(true, false, true, false)).isEqualTo(ch.qos.logback.classic.Level.DEBUG);
    }
}
