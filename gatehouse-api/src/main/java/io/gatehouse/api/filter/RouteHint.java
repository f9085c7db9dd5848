package io.gatehouse.api.filter;

/**
 * A routing hint a filter attached to one statement (MaxScale's hint syntax, parsed by the hintfilter). Routers
 * that understand hints obey them where consistency allows. Immutable.
 *
 * @param type   what the hint asks for
 * @param server the server name for {@link Type#SERVER}, empty otherwise
 * @param value  the lag in seconds for {@link Type#MAX_SLAVE_LAG}, 0 otherwise
 */
public record RouteHint(Type type, String server, long value) {
    /**
     * The kinds of hint. {@link #ALL} asks for the statement to run on every server of the service (MaxScale's
     * {@code HINT_ROUTE_TO_ALL}, made by namedserverfilter's {@code ->all}); readwritesplit ignores it, as MaxScale's
     * does, and routes by its own rules.
     */
    public enum Type { MASTER, SLAVE, SERVER, LAST, MAX_SLAVE_LAG, ALL }
}
