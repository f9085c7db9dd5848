package io.gatehouse.filters.throttlefilter;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.command.CommandCodes;
import io.gatehouse.api.filter.FilterSession;
import io.gatehouse.api.filter.FilterSessionContext;
import io.gatehouse.api.filter.RouteHint;
import io.gatehouse.api.router.ClientInfo;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session of a throttlefilter: asks the core to hold each statement back as long as {@link QueryRate} says, and
 * ends the session with an error when it has been throttled for longer than {@code throttling_duration}. Confined to
 * the session's worker thread; it only reads the commands it is shown and holds no buffers. Without a session context
 * (a harness) it only delays.
 */
final class ThrottleSession implements FilterSession {
    /** ER_CONNECTION_KILLED: what a client sees when the filter ends its session. */
    static final int ERROR_CODE = 1927;
    static final String SQL_STATE = "08S01";
    private static final Logger LOG = LoggerFactory.getLogger(ThrottleSession.class);

    private final ThrottleFilter filter;
    private final QueryRate rate;
    private final FilterSessionContext context;
    private final LongSupplier clock;
    private final ClientInfo client;

    ThrottleSession(ThrottleFilter filter, QueryRate rate, FilterSessionContext context, LongSupplier clock,
            ClientInfo client) {
        this.client = client;
        this.filter = filter;
        this.rate = rate;
        this.context = context;
        this.clock = clock;
    }

    @Override
    public List<RouteHint> routeQuery(Command command) {
        return List.of();
    }

    @Override
    public long delayNanos(Command command) {
        if (noReply(command.command())) {
            return 0;                       // the core never holds these (nothing waits for them): do not count them
        }
        long delay = rate.admit(clock.getAsLong());
        if (delay == QueryRate.DISCONNECT) {
            if (context == null) {
                return 0;                    // nothing to end: the statement goes on
            }
            filter.countDisconnect();
            long ms = filter.settings().throttlingNanos() / 1_000_000;
            LOG.info("{}: session {} of {}@{} throttled for longer than throttling_duration ({}ms); disconnecting it",
                    filter.name(), client.sessionId(), client.user(), client.remote(), ms);
            context.closeSession(ERROR_CODE, SQL_STATE, "Session throttled for longer than " + ms
                    + "ms (throttlefilter '" + filter.name() + "', max_qps=" + filter.settings().maxQps() + ")");
            return 0;
        }
        if (delay > 0) {
            filter.countDelay(delay);
        }
        return delay;
    }

    /** COM_STMT_SEND_LONG_DATA, COM_STMT_CLOSE and COM_QUIT get no reply. */
    private static boolean noReply(int command) {
        return command == CommandCodes.COM_STMT_SEND_LONG_DATA || command == CommandCodes.COM_STMT_CLOSE
                || command == CommandCodes.COM_QUIT;
    }
}
