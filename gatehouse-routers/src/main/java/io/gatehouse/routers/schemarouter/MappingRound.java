package io.gatehouse.routers.schemarouter;

import io.gatehouse.api.reply.Reply;
import io.gatehouse.api.router.Endpoint;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One mapping of a session's servers: the mapping query sent to each connection, their answers collected, and the
 * map built from them in configuration order (so that a database on several servers lists them in that order).
 * Confined to the session's worker thread; owns the reply chunks it is given until the map is built or it is
 * released.
 */
final class MappingRound {
    private static final Logger LOG = LoggerFactory.getLogger(MappingRound.class);

    private final String service;
    private final Map<Endpoint, MappingQuery> answers = new LinkedHashMap<>();
    private final Set<Endpoint> waiting = new LinkedHashSet<>();

    MappingRound(String service) {
        this.service = service;
    }

    /** Sends the mapping query to each of {@code endpoints}; false when there is none to ask. */
    boolean start(List<Endpoint> endpoints, ByteBufAllocator alloc) {
        for (Endpoint e : endpoints) {
            answers.put(e, new MappingQuery());
            waiting.add(e);
            e.write(MappingQuery.packet(alloc), io.gatehouse.protocol.Commands.COM_QUERY);
        }
        return !waiting.isEmpty();
    }

    /** True while {@code e} has not finished answering. */
    boolean isWaitingFor(Endpoint e) {
        return waiting.contains(e);
    }

    /**
     * One chunk of {@code e}'s answer (owned by this call); {@code reply} is non-null when the answer completed.
     * Returns true when every server has answered.
     */
    boolean collect(Endpoint e, ByteBufAllocator alloc, ByteBuf chunk, Reply reply) {
        answers.get(e).collect(alloc, chunk);
        if (reply == null) {
            return false;
        }
        if (reply.isError()) {
            // As MaxScale does: a server this user may not ask holds nothing for this user.
            LOG.info("{}: mapping query failed on '{}', which holds nothing for this user: {}", service,
                    e.server().name(), reply.errorMessage());
            answers.get(e).release();
        }
        waiting.remove(e);
        return waiting.isEmpty();
    }

    /** {@code e} was lost before answering: it holds nothing. Returns true when every other server has answered. */
    boolean lost(Endpoint e) {
        MappingQuery q = answers.remove(e);
        if (q != null) {
            q.release();
        }
        waiting.remove(e);
        return waiting.isEmpty();
    }

    /** True when at least one server is left to take the map from. */
    boolean anyServer() {
        return !answers.isEmpty();
    }

    /** The map of everything the servers answered; the answers are released. */
    ShardMap build(long clientCapabilities, long nowNanos) {
        ShardMap.Builder b = new ShardMap.Builder();
        for (Map.Entry<Endpoint, MappingQuery> m : answers.entrySet()) {
            String server = m.getKey().server().name();
            b.serverMapped();
            m.getValue().rows(clientCapabilities, (db, table) -> b.add(server, db, table));
        }
        answers.clear();
        return b.build(nowNanos);
    }

    void release() {
        answers.values().forEach(MappingQuery::release);
        answers.clear();
        waiting.clear();
    }
}
