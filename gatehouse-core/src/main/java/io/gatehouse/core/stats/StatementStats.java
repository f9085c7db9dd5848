package io.gatehouse.core.stats;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.Future;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Statement statistics of one proxy (global {@code statement_statistics}): each routing worker counts into its own
 * table ({@link WorkerStatements}, a thread-local), so recording takes no lock and, for a statement already seen,
 * allocates nothing; a reader asks every worker for a copy and merges them. {@link #record} runs on a worker thread;
 * {@link #snapshot} and {@link #reset} on any other thread (they wait for the workers). Holds no buffers.
 */
public final class StatementStats {
    /** The bucket of the statements beyond the bounds. */
    public static final String OTHER = "(other)";
    /** Distinct statements each worker keeps before counting new ones as {@link #OTHER}. */
    static final int PER_WORKER_LIMIT = 1000;

    private final FastThreadLocal<WorkerStatements> tables = new FastThreadLocal<>() {
        @Override
        protected WorkerStatements initialValue() {
            return new WorkerStatements(PER_WORKER_LIMIT);
        }
    };

    /**
     * On a worker: the client got the reply of {@code server} to a statement whose canonical form is
     * {@code statement} ({@code digest} its digest), with {@code rows} rows, {@code nanos} after it arrived.
     */
    public void record(String statement, long digest, String server, boolean error, long rows, long nanos) {
        tables.get().record(statement, digest, server, error, rows, nanos);
    }

    /**
     * Every worker's counts merged, the {@code top} statements with the most executions (all servers together)
     * first, each with one entry per server, then the rest folded into {@link #OTHER} per server.
     */
    public List<StatementTotals> snapshot(Iterable<? extends EventExecutor> workers, int top) {
        Map<String, Map<String, StatementTotals>> merged = new LinkedHashMap<>();
        for (List<StatementTotals> part : onEachWorker(workers, true)) {
            for (StatementTotals t : part) {
                merged.computeIfAbsent(t.statement(), k -> new LinkedHashMap<>())
                        .merge(t.server(), t, StatementTotals::plus);
            }
        }
        List<Map.Entry<String, Map<String, StatementTotals>>> ranked = new ArrayList<>(merged.entrySet());
        ranked.removeIf(e -> e.getKey().equals(OTHER));
        ranked.sort(Comparator.comparingLong((Map.Entry<String, Map<String, StatementTotals>> e) ->
                e.getValue().values().stream().mapToLong(StatementTotals::count).sum()).reversed()
                .thenComparing(Map.Entry::getKey));
        List<StatementTotals> out = new ArrayList<>();
        Map<String, StatementTotals> other = new LinkedHashMap<>(merged.getOrDefault(OTHER, Map.of()));
        for (int i = 0; i < ranked.size(); i++) {
            for (StatementTotals t : ranked.get(i).getValue().values()) {
                if (i < top) {
                    out.add(t);
                } else {
                    other.merge(t.server(), t.as(OTHER, 0), StatementTotals::plus);
                }
            }
        }
        out.addAll(other.values());
        return out;
    }

    /** Forgets every count, on every worker. */
    public void reset(Iterable<? extends EventExecutor> workers) {
        onEachWorker(workers, false);
    }

    /** Runs a copy (or a clear) on each worker's own thread and waits for all of them. */
    private List<List<StatementTotals>> onEachWorker(Iterable<? extends EventExecutor> workers, boolean copy) {
        List<Future<List<StatementTotals>>> futures = new ArrayList<>();
        for (EventExecutor e : workers) {
            futures.add(e.submit(() -> {
                WorkerStatements w = tables.get();
                if (copy) {
                    return w.copy();
                }
                w.clear();
                return List.of();
            }));
        }
        List<List<StatementTotals>> out = new ArrayList<>();
        for (Future<List<StatementTotals>> f : futures) {
            if (!f.awaitUninterruptibly(5, TimeUnit.SECONDS) || !f.isSuccess()) {
                throw new IllegalStateException("a routing worker did not answer for its statement statistics"
                        + " within 5 seconds");
            }
            out.add(f.getNow());
        }
        return out;
    }
}
