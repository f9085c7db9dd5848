package io.gatehouse.routers.mirror;

import io.gatehouse.api.router.ClientInfo;
import io.gatehouse.api.router.Router;
import io.gatehouse.api.router.RouterContext;
import io.gatehouse.api.router.RouterSession;
import io.gatehouse.api.server.ServerView;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The mirror instance of one service: its parameters, its exporter and its counters. Shared by every worker and
 * thread-safe (parameters are read from the context's snapshot, counters are adders); each client session gets a
 * {@link MirrorSession}. Holds no buffers.
 */
final class MirrorRouter implements Router {
    final RouterContext context;
    final MirrorExporter exporter;
    final LongAdder queries = new LongAdder();
    final LongAdder reports = new LongAdder();
    final LongAdder conflicts = new LongAdder();

    MirrorRouter(RouterContext context) {
        this.context = context;
        String file = context.params().string("file");
        this.exporter = new MirrorExporter(context.serviceName(),
                "file".equals(context.params().string("exporter")) ? Path.of(file) : null);
    }

    String main() {
        return context.params().string("main");
    }

    boolean closeOnError() {
        return "close".equals(context.params().string("on_error"));
    }

    boolean onlyConflicts() {
        return "on_conflict".equals(context.params().string("report"));
    }

    @Override
    public ServerView selectBackend(ClientInfo client) {
        return null;
    }

    @Override
    public RouterSession newSession(ClientInfo client) {
        return new MirrorSession(this);
    }

    @Override
    public Map<String, Object> diagnostics() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("queries", queries.sum());
        d.put("reports", reports.sum());
        d.put("conflicts", conflicts.sum());
        return d;
    }
}
