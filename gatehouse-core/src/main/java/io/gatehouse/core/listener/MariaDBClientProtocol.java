package io.gatehouse.core.listener;

import io.gatehouse.api.ApiVersion;
import io.gatehouse.api.Maturity;
import io.gatehouse.api.ModuleDescriptor;
import io.gatehouse.api.ModuleKind;
import io.gatehouse.api.protocol.ClientConnection;
import io.gatehouse.api.protocol.ListenerContext;
import io.gatehouse.api.protocol.Protocol;
import io.gatehouse.api.protocol.ProtocolModule;
import io.gatehouse.core.session.ClientSession;
import io.netty.channel.Channel;
import java.util.List;

/**
 * The built-in {@code MariaDBClient} protocol module (also {@code mariadbprotocol}, {@code mariadb},
 * {@code mysqlclient}): the MariaDB client protocol, served by a {@link ClientSession} installed straight on each
 * accepted channel, the same path listeners always had (no per-packet indirection). Its listener parameters are the
 * core's. Stateless; the protocol it creates for a listener is immutable and used from every worker; holds no
 * buffers.
 */
public final class MariaDBClientProtocol implements ProtocolModule {
    /** The module's name, as MaxScale's configuration writes it. */
    public static final String NAME = "MariaDBClient";
    /** The other names a listener's {@code protocol=} may use for it (any letter case). */
    public static final List<String> ALIASES = List.of("mariadbprotocol", "mariadb", "mysqlclient");

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(NAME, ModuleKind.PROTOCOL, Maturity.GA,
            ApiVersion.CURRENT, "The MariaDB client protocol", "1.0.0", List.of());

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    /** {@code listener} is the core's {@link ListenerSetup}: the MariaDB sessions need the core's own objects. */
    @Override
    public Protocol create(ListenerContext listener) {
        ListenerSetup setup = (ListenerSetup) listener;
        return new Protocol() {
            @Override
            public void initChannel(Channel channel, ClientConnection ignored) {
                channel.pipeline().addLast("session", new ClientSession(setup.service(), setup.proxy(),
                        setup.clients()));
            }
        };
    }
}
