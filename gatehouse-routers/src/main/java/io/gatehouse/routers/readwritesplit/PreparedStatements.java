package io.gatehouse.routers.readwritesplit;

import io.gatehouse.api.router.Endpoint;
import io.gatehouse.sql.Classification;
import java.util.HashMap;
import java.util.Map;

/**
 * A session's binary-protocol prepared statements: the id the client knows (the primary's, or the first
 * backend's), each backend's own id for the same statement, the statement's classification and where it last
 * ran. Confined to the session's worker thread.
 */
final class PreparedStatements {
    /** One prepared statement. */
    static final class Entry {
        final Map<Endpoint, Long> ids;
        final Classification classification;
        Endpoint lastExecuted;

        Entry(Map<Endpoint, Long> ids, Classification classification) {
            this.ids = ids;
            this.classification = classification;
        }
    }

    /** MariaDB's "the statement prepared last" id, which pipelining clients send right after a prepare. */
    static final long LAST_PREPARED = 0xFFFFFFFFL;

    private final Map<Long, Entry> byClientId = new HashMap<>();
    private Entry last;

    void add(long clientId, Map<Endpoint, Long> ids, Classification c) {
        last = new Entry(new HashMap<>(ids), c);
        byClientId.put(clientId, last);
    }

    Entry get(long clientId) {
        return clientId == LAST_PREPARED ? last : byClientId.get(clientId);
    }

    void remove(long clientId) {
        Entry e = byClientId.remove(clientId);
        if (e == last) {
            last = null;
        }
    }

    void forget(Endpoint e) {
        for (Entry en : byClientId.values()) {
            en.ids.remove(e);
            if (en.lastExecuted == e) {
                en.lastExecuted = null;
            }
        }
    }

    void clear() {
        last = null;
        byClientId.clear();
    }
}
