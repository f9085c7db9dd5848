package io.gatehouse.protocols.nosql;

import io.gatehouse.api.ApiVersion;
import io.gatehouse.api.Maturity;
import io.gatehouse.api.ModuleDescriptor;
import io.gatehouse.api.ModuleKind;
import io.gatehouse.api.config.Params;
import io.gatehouse.api.protocol.ListenerContext;
import io.gatehouse.api.protocol.Protocol;
import io.gatehouse.api.protocol.ProtocolModule;
import io.gatehouse.protocols.nosql.auth.LocalAccounts;

/**
 * The {@code nosqlprotocol} protocol module: MongoDB clients on a listener, their documents kept in MariaDB tables
 * reached through the listener's service (its filters, router and servers), as MaxScale's nosqlprotocol does.
 * Stateless; created once at start, called from any thread; holds no buffers.
 */
public final class NosqlProtocolModule implements ProtocolModule {
    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("nosqlprotocol", ModuleKind.PROTOCOL,
            Maturity.EXPERIMENTAL, new ApiVersion(ApiVersion.MAJOR, ApiVersion.MINOR),
            "MongoDB wire protocol clients, documents stored as JSON in MariaDB tables", "1.0.0", NosqlConfig.PARAMETERS);

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public void validate(Params params) {
        NosqlConfig.from(params);
    }

    @Override
    public Protocol create(ListenerContext listener) {
        // Read once at start, off the workers; the accounts file is then only written by the store's own thread.
        NosqlConfig config = NosqlConfig.from(listener.params());
        return new NosqlProtocol(config, listener.listenerName(), config.authenticationShared() ? null
                : new LocalAccounts(listener.listenerName(), listener.dataDirectory()));
    }
}
