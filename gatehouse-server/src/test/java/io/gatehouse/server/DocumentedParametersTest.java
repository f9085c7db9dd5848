package io.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.gatehouse.core.config.ConfigException;
import io.gatehouse.core.config.GatehouseConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every parameter MaxScale 24.02 documents (the list in {@code maxscale-24.02-parameters.tsv}, with where each is
 * documented) put into an otherwise valid {@code maxscale.cnf}: a parameter in effect is accepted with its valid
 * example and refused with its invalid one; a parameter Gatehouse refuses is refused even with a valid value. Every
 * refusal names the section and the parameter, so a user migrating from MaxScale knows which line to look at.
 */
class DocumentedParametersTest {
    private static final String LIST = "/maxscale-24.02-parameters.tsv";

    @TempDir
    static Path dir;

    /** One line of the list. */
    record Row(String section, String module, String parameter, String documentedIn, String valid, String invalid,
               String status, String baseChange, String description) {
        boolean inEffect() {
            return status.equals("in effect");
        }

        /** True for an option inside a listener's authenticator_options rather than a parameter of its own. */
        boolean authenticatorOption() {
            return section.equals("listener") && !module.equals("core");
        }
    }

    @BeforeAll
    static void files() throws Exception {
        Files.writeString(dir.resolve("map.json"), "{\"user_map\": [], \"server_credentials\": []}");
        Files.writeString(dir.resolve("users.json"), "{\"user\": [], \"db\": []}");
        Files.writeString(dir.resolve("promote.sql"), "SET GLOBAL read_only=OFF;\n");
        Files.writeString(dir.resolve("init.sql"), "SET @from_init = 1\n");
        Files.writeString(dir.resolve("demote.sql"), "SET GLOBAL read_only=ON;\n");
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        KeyPair rsa = gen.generateKeyPair();
        Files.writeString(dir.resolve("rsa.key"), pem("PRIVATE KEY", rsa.getPrivate().getEncoded()));
        Files.writeString(dir.resolve("rsa.pub"), pem("PUBLIC KEY", rsa.getPublic().getEncoded()));
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    static List<Row> rows() throws Exception {
        List<Row> rows = new ArrayList<>();
        try (var in = DocumentedParametersTest.class.getResourceAsStream(LIST);
             var r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            boolean header = true;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                if (header) {
                    assertThat(f).containsExactly("section", "module", "parameter", "documented_in", "valid",
                            "invalid", "status", "base_change", "description");
                    header = false;
                    continue;
                }
                assertThat(f).as(line).hasSize(9);
                rows.add(new Row(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8]));
            }
        }
        return rows;
    }

    @Test
    void theListCoversEverySectionTypeAndIsHonest() throws Exception {
        List<Row> rows = rows();
        assertThat(rows).extracting(Row::section).contains("global", "server", "service", "listener", "monitor");
        assertThat(rows).extracting(Row::module)
                .contains("core", "mariadbmon", "readwritesplit", "readconnroute", "mariadbauth", "ed25519auth");
        for (Row r : rows) {
            assertThat(r.status()).as(r.parameter()).matches("in effect|refused: .+");
            assertThat(r.documentedIn()).as(r.parameter()).contains("#" + r.parameter());
            assertThat(r.description()).as(r.parameter()).isNotBlank();
        }
        assertThat(rows.stream().map(r -> r.section() + "/" + r.module() + "/" + r.parameter()).distinct().count())
                .isEqualTo(rows.size());
    }

    @TestFactory
    Stream<DynamicTest> eachParameterIsAcceptedOrRefusedAsListed() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (Row r : rows()) {
            String name = r.section() + " " + r.module() + " " + r.parameter();
            tests.add(dynamicTest(name + " = " + r.valid(), () -> {
                if (r.inEffect()) {
                    String err = errorOrNull(config(r, r.valid()));
                    assertThat(err).as("valid value refused").isNull();
                } else {
                    assertNamed(r, errorOrNull(config(r, r.valid())));
                }
            }));
            if (!r.invalid().equals("-")) {
                tests.add(dynamicTest(name + " = " + r.invalid() + " (invalid)",
                        () -> assertNamed(r, errorOrNull(config(r, r.invalid())))));
            }
        }
        return tests.stream();
    }

    @Test
    void durationsWithoutUnitAreReadInTheParametersOwnUnit() throws Exception {
        GatehouseConfig c = load(base(Map.of("Mon", Map.of("monitor_interval", "1500", "backend_connect_timeout", "4"),
                "Svc", Map.of("wait_timeout", "60"))));
        assertThat(c.monitors().get(0).params().duration("monitor_interval")).isEqualTo(Duration.ofMillis(1500));
        assertThat(c.monitors().get(0).params().duration("backend_connect_timeout")).isEqualTo(Duration.ofSeconds(4));
        assertThat(c.services().get(0).params().duration("wait_timeout")).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void deprecatedAliasesSetTheCurrentParameter() throws Exception {
        GatehouseConfig c = load(base(Map.of("Svc", Map.of("max_slave_replication_lag", "30"),
                "maxscale", Map.of("admin_ssl_ca_cert", "/etc/ssl/ca.pem"))));
        var svc = c.services().stream().filter(s -> s.name().equals("Svc")).findFirst().orElseThrow();
        assertThat(svc.params().duration("max_replication_lag")).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.global().string("admin_ssl_ca")).isEqualTo("/etc/ssl/ca.pem");
        String both = errorOrNull(base(Map.of("Svc", Map.of("max_slave_replication_lag", "30",
                "max_replication_lag", "10s"))));
        assertThat(both).startsWith("[Svc] max_slave_replication_lag: '30'").contains("max_replication_lag");
    }

    @Test
    void documentedValuesGatehouseCannotHonourAreRefusedByName() {
        assertThat(errorOrNull(base(Map.of("maxscale", Map.of("sql_mode", "oracle")))))
                .startsWith("[maxscale] sql_mode: 'oracle' (expected: one of default)");
        assertThat(errorOrNull(base(Map.of("L", Map.of("sql_mode", "oracle"))))).startsWith("[L] sql_mode: 'oracle'");
        assertThat(errorOrNull(base(Map.of("maxscale", Map.of("substitute_variables", "true")))))
                .startsWith("[maxscale] substitute_variables: 'true' (expected: false only;");
        assertThat(errorOrNull(base(Map.of("Svc", Map.of("strip_db_esc", "off")))))
                .startsWith("[Svc] strip_db_esc: 'off' (expected: true only;");
        assertThat(errorOrNull(base(Map.of("Mon", Map.of("assume_unique_hostnames", "false")))))
                .startsWith("[Mon] assume_unique_hostnames: 'false' (expected: true only;");
        assertThat(errorOrNull(base(Map.of("Mon", Map.of("switchover_on_low_disk_space", "true"))))).isNull();
        assertThat(errorOrNull(base(Map.of("maxscale", Map.of("rebalance_period", "10s"))))).isNull();
        assertThat(errorOrNull(base(Map.of("maxscale", Map.of("rebalance_threshold", "3")))))
                .startsWith("[maxscale] rebalance_threshold: '3' (expected: a percentage from 5 to 100)");
        assertThat(errorOrNull(base(Map.of("maxscale", Map.of("rebalance_window", "61")))))
                .startsWith("[maxscale] rebalance_window: '61' (expected: a number of seconds from 1 to 60)");
        assertThat(errorOrNull(base(Map.of("maxscale", Map.of("threads", "5", "threads_max", "4")))))
                .startsWith("[maxscale] threads: '5' (expected: auto or 1 to threads_max=4)");
        assertThat(errorOrNull(base(Map.of("maxscale", Map.of("log_throttling", "10, 1s")))))
                .startsWith("[maxscale] log_throttling: '10, 1s'");
    }

    private static void assertNamed(Row r, String err) {
        assertThat(err).as("the value was accepted").isNotNull();
        assertThat(err).startsWith("[" + sectionName(r) + "]");
        if (r.authenticatorOption() && !r.inEffect()) {
            assertThat(err).contains("authenticator").contains(r.module());
        } else {
            assertThat(err).contains(r.parameter());
        }
    }

    private static String sectionName(Row r) {
        return switch (r.section()) {
            case "global" -> "maxscale";
            case "server" -> "server1";
            case "service" -> r.module().equals("readconnroute") ? "RCR" : "Svc";
            case "listener" -> "L";
            case "monitor" -> "Mon";
            default -> throw new AssertionError("unknown section type " + r.section());
        };
    }

    /** The base configuration with the row's parameter set to {@code value} and its base changes applied. */
    private Map<String, Map<String, String>> config(Row r, String value) {
        String v = value.replace("$TMP", dir.toString());
        Map<String, Map<String, String>> cfg = base(Map.of());
        Map<String, String> section = cfg.get(sectionName(r));
        Map<String, String> extraOptions = new LinkedHashMap<>();
        for (String change : r.baseChange().split(";")) {
            if (change.startsWith("-")) {
                section.remove(change.substring(1));
            } else if (change.startsWith("+")) {
                String[] kv = change.substring(1).replace("$TMP", dir.toString()).split("=", 2);
                (r.authenticatorOption() ? extraOptions : section).put(kv[0], kv[1]);
            }
        }
        if (r.authenticatorOption()) {
            section.put("authenticator", r.module().equals("ed25519auth") ? "mariadbauth,ed25519auth" : r.module());
            StringBuilder opts = new StringBuilder(r.parameter() + "=" + v);
            extraOptions.forEach((k, x) -> opts.append(',').append(k).append('=').append(x));
            section.put("authenticator_options", opts.toString());
        } else {
            section.put(r.parameter(), v);
        }
        return cfg;
    }

    private static Map<String, Map<String, String>> base(Map<String, Map<String, String>> overrides) {
        Map<String, Map<String, String>> c = new LinkedHashMap<>();
        c.put("maxscale", new LinkedHashMap<>());
        c.put("server1", new LinkedHashMap<>(Map.of("type", "server", "address", "127.0.0.1", "port", "3306")));
        c.put("server2", new LinkedHashMap<>(Map.of("type", "server", "address", "127.0.0.1", "port", "3307")));
        c.put("Mon", new LinkedHashMap<>(Map.of("type", "monitor", "module", "mariadbmon", "servers",
                "server1,server2", "user", "u", "password", "p")));
        c.put("Svc", new LinkedHashMap<>(Map.of("type", "service", "router", "readwritesplit", "servers",
                "server1,server2", "user", "u", "password", "p")));
        c.put("RCR", new LinkedHashMap<>(Map.of("type", "service", "router", "readconnroute", "servers", "server1",
                "user", "u", "password", "p")));
        c.put("L", new LinkedHashMap<>(Map.of("type", "listener", "service", "Svc", "port", "4006")));
        overrides.forEach((s, params) -> c.get(s).putAll(params));
        return c;
    }

    private GatehouseConfig load(Map<String, Map<String, String>> cfg) throws Exception {
        Path f = dir.resolve("maxscale.cnf");
        StringBuilder text = new StringBuilder();
        cfg.forEach((name, params) -> {
            text.append('[').append(name).append("]\n");
            params.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
            text.append('\n');
        });
        Files.writeString(f, text);
        return Gatehouse.check(f);
    }

    private String errorOrNull(Map<String, Map<String, String>> cfg) {
        try {
            load(cfg);
            return null;
        } catch (ConfigException e) {
            return e.getMessage();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
