package io.gatehouse.examples.lineprotocol;

import io.gatehouse.api.ApiVersion;
import io.gatehouse.api.Maturity;
import io.gatehouse.api.ModuleDescriptor;
import io.gatehouse.api.ModuleKind;
import io.gatehouse.api.config.ParamSpec;
import io.gatehouse.api.config.ParamType;
import io.gatehouse.api.config.Params;
import io.gatehouse.api.protocol.ListenerContext;
import io.gatehouse.api.protocol.Protocol;
import io.gatehouse.api.protocol.ProtocolModule;
import java.util.List;

/**
 * The {@code lineprotocol} protocol module: a listener where each line a client sends is one SQL statement, run
 * through the listener's service (its filters, router and servers), and each answer comes back as text lines.
 * Stateless; created once at start, called from any thread; holds no buffers.
 */
public final class LineProtocolModule implements ProtocolModule {
    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("lineprotocol", ModuleKind.PROTOCOL,
            Maturity.EXPERIMENTAL, new ApiVersion(ApiVersion.MAJOR, ApiVersion.MINOR),
            "One SQL statement per line, answers as text lines", "1.0.0",
            List.of(ParamSpec.required("user", ParamType.STRING, "The MariaDB user the clients' statements run as"),
                    ParamSpec.of("password", ParamType.PASSWORD, "", false, "The password of user"),
                    ParamSpec.of("database", ParamType.STRING, null, false, "The default database, if any"),
                    ParamSpec.of("max_line_length", ParamType.SIZE, "1Mi", false,
                            "The longest line (statement) accepted; a longer one ends the connection")));

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public void validate(Params params) {
        long max = params.size("max_line_length");
        if (max < 1 || max > (1 << 24) - 2) {
            throw new IllegalArgumentException("[" + params.section() + "] max_line_length: '"
                    + params.text("max_line_length") + "' (expected: 1 to 16Mi - 2 bytes, one MariaDB packet)");
        }
    }

    @Override
    public Protocol create(ListenerContext listener) {
        return new LineProtocol(listener.params());
    }
}
