package io.gatehouse.protocols.nosql;

import io.gatehouse.api.config.ParamSpec;
import io.gatehouse.api.config.Params;
import io.gatehouse.api.config.ValueParser;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The listener parameters: MaxScale's defaults, values that are wired, and the unimplemented ones refused by name. */
class NosqlConfigTest {

    /** Params as the core builds them: every declared parameter parsed from its text or default. */
    private static Params params(String... pairs) {
        Map<String, String> given = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            given.put(NosqlConfig.PREFIX + pairs[i], pairs[i + 1]);
        }
        Map<String, Object> values = new HashMap<>();
        Map<String, String> texts = new HashMap<>();
        for (ParamSpec spec : NosqlConfig.PARAMETERS) {
            String text = given.getOrDefault(spec.name(), spec.defaultValue());
            if (text != null) {
                texts.put(spec.name(), text);
                values.put(spec.name(), ValueParser.parse(spec, text));
            }
        }
        return new Params("NoSQL-Listener", values, texts);
    }

    @Test
    void defaultsAreMaxScales() {
        NosqlConfig c = NosqlConfig.from(params("user", "app", "password", "pw"));
        assertThat(c).isEqualTo(NosqlConfig.defaults("app", "pw"));
        assertThat(c.idLength()).isEqualTo(35);
        assertThat(c.cursorTimeout()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void valuesAreRead() {
        NosqlConfig c = NosqlConfig.from(params("user", "app", "on_unknown_command", "return_empty", "log_unknown_command",
                "true", "auto_create_tables", "false", "auto_create_databases", "false", "id_length", "100",
                "ordered_insert_behavior", "atomic", "cursor_timeout", "5s"));
        assertThat(c.unknownCommandIsError()).isFalse();
        assertThat(c.logUnknownCommand()).isTrue();
        assertThat(c.autoCreateTables()).isFalse();
        assertThat(c.autoCreateDatabases()).isFalse();
        assertThat(c.idLength()).isEqualTo(100);
        assertThat(c.atomicInsert()).isTrue();
        assertThat(c.cursorTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void whatIsNotImplementedIsRefusedByName() {
        assertThatThrownBy(() -> NosqlConfig.from(params())).hasMessageContaining("nosqlprotocol.user");
        // Shared accounts need the user that keeps them; its settings alone would be silently ignored.
        assertThatThrownBy(() -> NosqlConfig.from(params("user", "a", "authentication_shared", "true")))
                .hasMessageContaining("[NoSQL-Listener] nosqlprotocol.authentication_user: ''");
        assertThatThrownBy(() -> NosqlConfig.from(params("user", "a", "authentication_user", "admin")))
                .hasMessageContaining("nosqlprotocol.authentication_user: set without nosqlprotocol.authentication_shared=true");
        assertThatThrownBy(() -> NosqlConfig.from(params("user", "a", "authentication_db", "Other")))
                .hasMessageContaining("nosqlprotocol.authentication_db");
        assertThatThrownBy(() -> NosqlConfig.from(params("user", "a", "debug", "in")))
                .hasMessageContaining("[NoSQL-Listener] nosqlprotocol.debug: 'in' (expected: none");
        assertThatThrownBy(() -> NosqlConfig.from(params("user", "a", "debug", "none,out")))
                .hasMessageContaining("nosqlprotocol.debug: 'none,out'");
        // MaxScale's default spelt out, and its type's rule for a word it does not know.
        assertThat(NosqlConfig.from(params("user", "a", "debug", "none")).user()).isEqualTo("a");
        assertThatThrownBy(() -> params("user", "a", "debug", "verbose")).hasMessageContaining("not an allowed value");
        assertThat(NosqlConfig.from(params("user", "a", "internal_cache", "")).user()).isEqualTo("a");
        assertThatThrownBy(() -> NosqlConfig.from(params("user", "a", "internal_cache", "c")))
                .hasMessageContaining("nosqlprotocol.internal_cache");
        assertThatThrownBy(() -> NosqlConfig.from(params("user", "a", "id_length", "34")))
                .hasMessageContaining("nosqlprotocol.id_length: '34'");
        assertThat(NosqlConfig.from(params("user", "a", "authentication_required", "off")).user()).isEqualTo("a");
    }

    @Test
    void authenticationSettingsAreRead() {
        NosqlConfig c = NosqlConfig.from(params("user", "a", "authentication_required", "true", "host", "10.0.%"));
        assertThat(c.authenticationRequired()).isTrue();
        assertThat(c.host()).isEqualTo("10.0.%");
        assertThat(NosqlConfig.from(params("user", "a")).authenticationRequired()).isFalse();

        NosqlConfig shared = NosqlConfig.from(params("user", "a", "authentication_shared", "true", "authentication_user", "keeper",
                "authentication_password", "kpw", "authorization_enabled", "yes"));
        assertThat(shared.authenticationShared()).isTrue();
        assertThat(shared.authenticationDb()).isEqualTo("NoSQL");
        assertThat(shared.authenticationUser()).isEqualTo("keeper");
        assertThat(shared.authenticationPassword()).isEqualTo("kpw");
        assertThat(shared.authorizationEnabled()).isTrue();
        assertThat(NosqlConfig.from(params("user", "a", "authentication_shared", "true", "authentication_user", "k",
                "authentication_db", "accounts")).authenticationDb()).isEqualTo("accounts");
        assertThat(NosqlConfig.from(params("user", "a")).authorizationEnabled()).isFalse();
    }
}
