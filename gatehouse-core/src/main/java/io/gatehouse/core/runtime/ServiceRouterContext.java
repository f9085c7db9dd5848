package io.gatehouse.core.runtime;

import io.gatehouse.api.config.Params;
import io.gatehouse.api.router.RouterContext;
import io.gatehouse.api.server.ServerView;
import io.gatehouse.core.service.Service;
import java.util.List;

/**
 * What a router of a service sees of the core: the service's name, parameters, routing targets and query count, and
 * each worker's classifier cache size. {@code cacheBytes} is read at each call, so that routers see a runtime change
 * of {@code query_classifier_cache_size}. Immutable; any thread.
 */
record ServiceRouterContext(Service service, java.util.function.LongSupplier cacheBytes) implements RouterContext {
    @Override
    public String serviceName() {
        return service.name();
    }

    @Override
    public Params params() {
        return service.params();
    }

    @Override
    public List<ServerView> targets() {
        return service.routingTargets();
    }

    @Override
    public long queries() {
        return service.queries();
    }

    @Override
    public long classifierCacheBytes() {
        return cacheBytes.getAsLong();
    }
}
