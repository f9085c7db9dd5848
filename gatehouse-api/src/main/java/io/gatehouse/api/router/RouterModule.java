package io.gatehouse.api.router;

import io.gatehouse.api.Module;

/** A router module: makes one {@link Router} per service that names it. Stateless and thread-safe. */
public interface RouterModule extends Module {
    /** Creates the router for one service; parameters are already validated against the descriptor. */
    Router create(RouterContext context);
}
