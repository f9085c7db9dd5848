package io.gatehouse.core.runtime;

import io.gatehouse.api.config.Params;
import io.gatehouse.core.session.ClientSession;
import io.gatehouse.core.session.SessionMoves;
import io.gatehouse.core.session.SessionRegistry;
import io.gatehouse.core.worker.WorkerLoad;
import io.gatehouse.core.worker.Workers;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spreads sessions over the workers: once a second, on its own thread ("gatehouse-rebalance"), it samples each
 * worker's load, moves the idle sessions of workers above {@code threads} to active ones (then such a worker is
 * Dormant), and every {@code rebalance_period} moves sessions from the busiest active worker to the idlest when their
 * loads, averaged over {@code rebalance_window} seconds, differ by more than {@code rebalance_threshold} percent. The
 * admin API asks it for explicit moves. The settings are volatile, changed by the admin thread. Holds no buffers.
 */
public final class WorkerBalancer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerBalancer.class);
    /** How long an explicit move waits for the sessions' workers to answer. */
    private static final long MOVE_WAIT_SECONDS = 10;

    /** A worker's state as MaxScale names it. */
    public enum State {
        ACTIVE("Active"), DRAINING("Draining"), DORMANT("Dormant");

        private final String text;

        State(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private final Workers workers;
    private final SessionRegistry sessions;
    private final WorkerLoad load;
    private final ScheduledExecutorService timer;
    private volatile long periodMillis;
    private volatile int threshold;
    private volatile int window;
    private long nextRebalance;

    WorkerBalancer(Workers workers, SessionRegistry sessions, Params global) {
        this.workers = workers;
        this.sessions = sessions;
        this.load = new WorkerLoad(workers);
        settings(global);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gatehouse-rebalance");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    /** Takes {@code rebalance_period}, {@code rebalance_threshold} and {@code rebalance_window}; any thread. */
    public void settings(Params global) {
        Duration period = global.duration("rebalance_period");
        periodMillis = period.toMillis();
        threshold = (int) global.integer("rebalance_threshold");
        window = (int) global.integer("rebalance_window");
    }

    /** {@code rebalance_threshold} as set now. */
    public int threshold() {
        return threshold;
    }

    public WorkerLoad load() {
        return load;
    }

    private void tick() {
        try {
            load.sample();
            drain();
            long period = periodMillis;
            long now = System.currentTimeMillis();
            if (period > 0 && now >= nextRebalance) {
                nextRebalance = now + period;
                rebalance(threshold);
            }
        } catch (RuntimeException e) {
            LOG.warn("Rebalancing workers: {}", e.toString());     // the next tick tries again
        }
    }

    /** The sessions on each worker that ever ran, by worker index; any thread. */
    public List<List<ClientSession>> sessionsByWorker() {
        List<List<ClientSession>> by = new ArrayList<>();
        int used = workers.inUse().size();
        for (int i = 0; i < used; i++) {
            by.add(new ArrayList<>());
        }
        for (ClientSession s : sessions.all()) {
            Channel c = s.clientChannel();
            int i = c == null ? -1 : workers.index(c.eventLoop());
            if (i >= 0 && i < used) {
                by.get(i).add(s);
            }
        }
        return by;
    }

    /** Worker {@code i}'s state: Active below {@code threads}, else Draining while it has sessions, then Dormant. */
    public State state(int i, int sessionsOn) {
        return workers.isActive(i) ? State.ACTIVE : sessionsOn > 0 ? State.DRAINING : State.DORMANT;
    }

    /** Moves the idle sessions of workers above {@code threads} to the active workers with the fewest sessions. */
    private void drain() {
        List<List<ClientSession>> by = sessionsByWorker();
        int active = workers.count();
        for (int i = active; i < by.size(); i++) {
            for (ClientSession s : by.get(i)) {
                int to = 0;
                for (int k = 1; k < Math.min(active, by.size()); k++) {
                    if (by.get(k).size() < by.get(to).size()) {
                        to = k;
                    }
                }
                SessionMoves.move(s, workers.loop(to));
                if (to < by.size()) {
                    by.get(to).add(s);                 // counted there, so the next goes elsewhere
                }
            }
        }
    }

    /**
     * Compares the active workers' loads over {@code rebalance_window}: when the busiest is more than
     * {@code threshold} percent above the idlest, moves to the idlest the share of the busiest's sessions that
     * would carry half the difference (at least one). Returns how many sessions moved. Any thread.
     */
    public int rebalance(int threshold) {
        int active = workers.count();
        if (active < 2) {
            return 0;
        }
        int busiest = 0;
        int idlest = 0;
        int[] loads = new int[active];
        for (int i = 0; i < active; i++) {
            loads[i] = load.average(i, window);
            busiest = loads[i] > loads[busiest] ? i : busiest;
            idlest = loads[i] < loads[idlest] ? i : idlest;
        }
        int diff = loads[busiest] - loads[idlest];
        if (diff <= threshold || busiest == idlest) {
            return 0;
        }
        List<ClientSession> on = sessionsByWorker().get(busiest);
        int n = Math.max(1, (int) Math.round(on.size() * (diff / 2.0) / Math.max(1, loads[busiest])));
        LOG.info("Worker {} has load {}%, worker {} {}%: moving {} of its {} sessions", busiest, loads[busiest],
                idlest, loads[idlest], n, on.size());
        return moveSome(on, n, idlest);
    }

    /**
     * Moves up to {@code count} idle sessions from worker {@code from} to worker {@code to} (MaxScale's thread
     * rebalance request) and waits for them; returns how many moved. Admin thread.
     */
    public int move(int from, int count, int to) {
        List<List<ClientSession>> by = sessionsByWorker();
        if (from >= by.size() || count <= 0) {
            return 0;
        }
        return moveSome(by.get(from), count, to);
    }

    private int moveSome(List<ClientSession> candidates, int count, int to) {
        int moved = 0;
        // Asked in batches of what is still missing: a busy session is skipped and the next one tried.
        int next = 0;
        while (moved < count && next < candidates.size()) {
            List<CompletableFuture<Boolean>> asked = new ArrayList<>();
            while (asked.size() < count - moved && next < candidates.size()) {
                asked.add(SessionMoves.move(candidates.get(next++), workers.loop(to)));
            }
            for (CompletableFuture<Boolean> f : asked) {
                try {
                    if (f.get(MOVE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                        moved++;
                    }
                } catch (Exception e) {
                    LOG.warn("Moving a session to worker {}: {}", to, e.toString());
                }
            }
        }
        return moved;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
