package io.gatehouse.api.filter;

import io.gatehouse.api.router.ClientInfo;

/** One filter instance, shared by the sessions of the services that name it; thread-safe. */
public interface Filter {
    /** The filter's half of a new session. */
    FilterSession newSession(ClientInfo client);
}
