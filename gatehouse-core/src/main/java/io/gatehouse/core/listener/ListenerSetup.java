package io.gatehouse.core.listener;

import io.gatehouse.api.config.Params;
import io.gatehouse.api.protocol.ListenerContext;
import io.gatehouse.core.service.Service;
import io.gatehouse.core.session.ClientSettings;
import io.gatehouse.core.session.ProxyContext;

/**
 * What a listener gives its protocol when it starts: the API's {@link ListenerContext}, plus the core objects the
 * built-in MariaDB protocol needs. Immutable; any thread.
 */
record ListenerSetup(String listenerName, Params params, Service service, ProxyContext proxy,
                     ClientSettings clients, java.nio.file.Path dataDirectory) implements ListenerContext {
    @Override
    public String serviceName() {
        return service.name();
    }
}
