package io.gatehouse.admin.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.AdminContext;
import io.gatehouse.admin.json.Json;
import io.gatehouse.admin.json.JsonApi;
import io.gatehouse.admin.json.ParamsJson;
import io.gatehouse.core.config.CoreParams;
import io.gatehouse.core.runtime.Runtime;
import io.gatehouse.core.runtime.WorkerStats;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code /maxscale} resource (process-wide facts: version, start time, uptime, global parameters, machine and
 * OS), {@code /maxscale/threads} (one entry per routing worker, with the statistics each worker gathers on its own
 * loop) and {@code /maxscale/memory}. Runs on the admin thread, which waits for the workers' answers.
 */
public final class MaxScaleInfo {
    /** The version reported to clients of the API; from the jar manifest when packaged. */
    public static final String VERSION = String.valueOf(MaxScaleInfo.class.getPackage().getImplementationVersion() == null
            ? "0.1.0" : MaxScaleInfo.class.getPackage().getImplementationVersion());
    private final AdminContext ctx;

    public MaxScaleInfo(AdminContext ctx) {
        this.ctx = ctx;
    }

    public ObjectNode get(JsonApi api) {
        Runtime rt = ctx.runtime();
        ObjectNode r = api.resource("maxscale", "maxscale", null);
        ObjectNode a = (ObjectNode) r.get("attributes");
        a.put("version", VERSION);
        a.put("commit", "gatehouse");
        a.put("started_at", Json.date(rt.startedAtMillis()));
        a.put("activated_at", Json.date(rt.startedAtMillis()));
        a.put("uptime", (System.currentTimeMillis() - rt.startedAtMillis()) / 1000);
        if (ctx.runtime().configSync() == null) {
            a.putNull("config_sync");
        } else {
            a.set("config_sync", ctx.runtime().configSync().describe());
        }
        a.put("process_datadir", rt.config().global().string("datadir"));
        // Shown as they are now, runtime changes (PATCH /maxscale: log levels, rebalancing, ...) included, so that
        // the document can be PATCHed back and shows what is in effect.
        io.gatehouse.api.config.Params global;
        try {
            global = io.gatehouse.core.runtime.RuntimeChanges.of(rt).current().global();
        } catch (io.gatehouse.core.config.ConfigException e) {
            global = rt.config().global();                 // no runtime changes can be read: the file's values stand
        }
        ObjectNode params = ParamsJson.render(global, CoreParams.GLOBAL, Set.of());
        if (rt.workers() != null) {
            params.put("threads", rt.workers().count());
        }
        // MaxScale shows log_throttling as an object of its three parts, in milliseconds.
        var throttling = io.gatehouse.core.config.LogThrottling.parse(global.string("log_throttling"));
        ObjectNode t = params.putObject("log_throttling");
        t.put("count", throttling.count());
        t.put("suppress", throttling.suppression().toMillis());
        t.put("window", throttling.window().toMillis());
        a.set("parameters", params);
        ObjectNode system = a.putObject("system");
        ObjectNode machine = system.putObject("machine");
        int cores = java.lang.Runtime.getRuntime().availableProcessors();
        machine.put("cores_available", cores);
        machine.put("cores_virtual", (double) cores);
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            machine.put("memory_physical", os.getTotalMemorySize());
            machine.put("memory_available", os.getTotalMemorySize());
        }
        ObjectNode os = system.putObject("os");
        os.put("machine", System.getProperty("os.arch"));
        os.put("release", System.getProperty("os.version"));
        os.put("sysname", System.getProperty("os.name"));
        ObjectNode ms = system.putObject("maxscale");
        ms.put("threads", rt.workers() == null ? 0 : rt.workers().count());
        return api.document(r, "maxscale");
    }

    public ObjectNode threads(JsonApi api) {
        Runtime rt = ctx.runtime();
        List<ObjectNode> all = new ArrayList<>();
        if (rt.workers() != null) {
            boolean listening = rt.listeners().values().stream().anyMatch(io.gatehouse.core.listener.Listener::isRunning);
            var by = rt.balancer().sessionsByWorker();
            List<WorkerStats.Thread> stats = WorkerStats.collect(rt);
            for (int i = 0; i < by.size() && i < stats.size(); i++) {
                all.add(thread(api, rt, i, by.get(i).size(), listening, stats.get(i)));
            }
        }
        return api.collection(all, "maxscale/threads");
    }

    public ObjectNode thread(JsonApi api, String id) {
        Runtime rt = ctx.runtime();
        int i = threadIndex(rt, id);
        boolean listening = rt.listeners().values().stream().anyMatch(io.gatehouse.core.listener.Listener::isRunning);
        int sessions = rt.balancer().sessionsByWorker().get(i).size();
        WorkerStats.Thread stats = WorkerStats.collect(rt).get(i);
        return api.document(thread(api, rt, i, sessions, listening, stats), "maxscale/threads/" + id);
    }

    /**
     * {@code GET /maxscale/memory}: each worker's memory (classifier cache, sessions, zombies) and the process's,
     * their sum. Gathered on each worker's own loop.
     */
    public ObjectNode memory(JsonApi api) {
        Runtime rt = ctx.runtime();
        List<WorkerStats.Thread> stats = rt.workers() == null ? List.of() : WorkerStats.collect(rt);
        ObjectNode r = api.resource("memory", "memory", null);
        ObjectNode a = (ObjectNode) r.get("attributes");
        long qc = 0;
        long sessions = 0;
        long zombies = 0;
        var threads = a.putArray("threads");
        for (WorkerStats.Thread t : stats) {
            memory(threads.addObject(), t.qcBytes(), t.sessionBytes(), t.zombieBytes());
            qc += t.qcBytes();
            sessions += t.sessionBytes();
            zombies += t.zombieBytes();
        }
        memory(a.putObject("process"), qc, sessions, zombies);
        return api.document(r, "maxscale/memory");
    }

    private static void memory(ObjectNode o, long qc, long sessions, long zombies) {
        o.put("query_classifier", qc);
        o.put("sessions", sessions);
        o.put("total", qc + sessions + zombies);
        o.put("zombies", zombies);
    }

    /** The index of a worker that ran (the id in {@code /maxscale/threads/:id}); else a 404 naming it. */
    public static int threadIndex(Runtime rt, String id) {
        int n = rt.workers() == null ? 0 : rt.workers().inUse().size();
        int i;
        try {
            i = Integer.parseInt(id);
        } catch (NumberFormatException e) {
            i = -1;
        }
        if (i < 0 || i >= n) {
            throw io.gatehouse.admin.http.ApiException.notFound("thread '" + id + "'");
        }
        return i;
    }

    private ObjectNode thread(JsonApi api, Runtime rt, int i, int sessions, boolean listening, WorkerStats.Thread w) {
        ObjectNode t = api.resource(Integer.toString(i), "threads", "threads/" + i);
        ObjectNode stats = ((ObjectNode) t.get("attributes")).putObject("stats");
        var c = w.counters();
        stats.put("accepts", c.accepts);
        stats.put("avg_event_queue_length", c.averageIoEvents());
        stats.put("current_descriptors", w.currentDescriptors());
        stats.put("errors", c.errors);
        stats.put("hangups", c.hangups);
        var state = rt.balancer().state(i, sessions);
        // Only the workers that get new clients listen, as in MaxScale.
        stats.put("listening", listening && state == io.gatehouse.core.runtime.WorkerBalancer.State.ACTIVE
                && rt.workers().isListening(i));
        var load = rt.balancer().load();
        ObjectNode l = stats.putObject("load");
        l.put("last_hour", load.lastHour(i));
        l.put("last_minute", load.average(i, 60));
        l.put("last_second", load.lastSecond(i));
        stats.put("max_event_queue_length", c.maxIoEvents);
        stats.put("max_exec_time", c.maxExecNanos / 1_000_000);
        // How long a ready socket waited before its worker handled it is not known: epoll reports readiness, not
        // when it began, and timing each event's wait would cost the data path a clock read per channel.
        stats.put("max_queue_time", 0);
        memory(stats.putObject("memory"), w.qcBytes(), w.sessionBytes(), w.zombieBytes());
        ObjectNode qc = stats.putObject("query_classifier_cache");
        qc.put("evictions", w.qcEvictions());
        qc.put("hits", w.qcHits());
        qc.put("inserts", w.qcInserts());
        qc.put("misses", w.qcMisses());
        qc.put("size", w.qcBytes());
        stats.put("reads", c.reads);
        stats.put("sessions", sessions);
        stats.put("state", state.toString());
        stats.put("total_descriptors", c.totalDescriptors);
        stats.put("writes", c.writes);
        stats.put("zombies", 0);                        // see WorkerStats.Thread#zombieBytes: none wait to be freed
        return t;
    }
}
