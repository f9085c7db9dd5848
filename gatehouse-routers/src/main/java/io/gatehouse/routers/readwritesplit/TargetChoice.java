package io.gatehouse.routers.readwritesplit;

import static io.gatehouse.protocol.Commands.COM_STMT_EXECUTE;

import io.gatehouse.api.router.Endpoint;
import io.gatehouse.api.router.RouterSessionContext;
import java.util.function.Supplier;

/**
 * Which connection of one readwritesplit session serves a read: a replica chosen by the service's rules (opening
 * replacements first when some are missing), the one the last read went to, or where an execution of a prepared
 * statement runs. Per session, on its worker thread; no buffers.
 */
final class TargetChoice {
    private final ReadWriteSplit router;
    private final RoutingRules rules;
    private final ReplicaSet replicaSet;
    private final SessionHistory history;
    private final TransactionState trx;
    private final Supplier<Endpoint> primary;
    /** Closes a replica connection the session must stop using (the session forgets it first). */
    private final java.util.function.Consumer<Endpoint> drop;
    private RouterSessionContext ctx;
    /** Where the last read went, for {@code route to last} and LAST_READ statements. */
    Endpoint lastRead;

    TargetChoice(ReadWriteSplit router, RoutingRules rules, ReplicaSet replicaSet, SessionHistory history,
                 TransactionState trx, Supplier<Endpoint> primary, java.util.function.Consumer<Endpoint> drop) {
        this.drop = drop;
        this.router = router;
        this.rules = rules;
        this.replicaSet = replicaSet;
        this.history = history;
        this.trx = trx;
        this.primary = primary;
    }

    void start(RouterSessionContext context) {
        this.ctx = context;
    }

    /**
     * The replica for a read, or the primary, or null. Roles are checked at every read: connections to servers that
     * are no longer usable replicas are closed first, and replacements opened for missing ones.
     */
    Endpoint replica() {
        Endpoint p = primary.get();
        replicaSet.prune(rules, trx.readOnlyTarget(), drop);
        if (lastRead != null && lastRead.isClosed()) {
            lastRead = null;
        }
        if (history.usable()) {
            replicaSet.topUp(ctx, p, rules.maxReplicaConnections(), rules);
        }
        return replicaSet.choose(p, rules);
    }

    /** The connection of the last read while it is open, else the primary. */
    Endpoint lastReadOrPrimary() {
        return lastRead != null && !lastRead.isClosed() ? lastRead : primary.get();
    }

    /** Where an execution of {@code en} runs now: a replica for a free autocommit read, else the primary. */
    Endpoint execution(PreparedStatements.Entry en, int cmd) {
        if (en != null && cmd == COM_STMT_EXECUTE && trx.free() && en.classification.isReadOnlySafe()
                && !rules.readsTemporaryTable(en.classification)) {
            Endpoint r = replica();
            if (r != null && en.ids.containsKey(r)) {
                return r;
            }
        } else if (en != null && trx.readOnlyTarget() != null && en.ids.containsKey(trx.readOnlyTarget())) {
            return trx.readOnlyTarget();
        }
        return primary.get();
    }
}
