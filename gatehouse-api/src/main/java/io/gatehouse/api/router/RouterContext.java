package io.gatehouse.api.router;

import io.gatehouse.api.config.Params;
import io.gatehouse.api.server.ServerView;
import java.util.List;

/**
 * What the core gives a router when it creates the router for a service. Thread-safe: {@link #targets()} returns
 * the current list, which may change when an operator alters the service.
 */
public interface RouterContext {
    /** The service's section name. */
    String serviceName();

    /** The service section's validated parameters, router parameters included. */
    Params params();

    /** The servers this service routes to, in configuration order. */
    List<ServerView> targets();

    /** Client commands the service has routed so far (counted by the core for every router). */
    default long queries() {
        return 0;
    }

    /**
     * The size in bytes of the SQL classifier cache each worker may keep: the global
     * {@code query_classifier_cache_size} (by default MaxScale's share of memory) divided among the workers; 0 turns
     * caching off. -1 when the context does not size it (test harnesses): the classifier keeps its own default.
     */
    default long classifierCacheBytes() {
        return -1;
    }
}
