package io.gatehouse.core.worker;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Each worker's load: the share of wall time its thread spent on the CPU, in percent, sampled once a second, with
 * the averages MaxScale shows (last second, minute, hour) and the average over any window of up to 60 seconds for
 * rebalancing. {@link #sample()} runs on the balancer thread only; the readers (admin thread) see values that may be
 * a second old. Holds no buffers.
 */
public final class WorkerLoad {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Workers workers;
    private final long[] lastCpu;
    private long lastWall;
    /** Per worker, the last 60 one-second loads, newest at {@code seconds % 60}. */
    private final int[][] perSecond;
    /** Per worker, the last 60 one-minute averages. */
    private final int[][] perMinute;
    private volatile long seconds;

    public WorkerLoad(Workers workers) {
        this.workers = workers;
        this.lastCpu = new long[workers.max()];
        this.perSecond = new int[workers.max()][60];
        this.perMinute = new int[workers.max()][60];
    }

    /** Takes one sample of every worker that ever ran; call once a second. */
    public synchronized void sample() {
        long now = System.nanoTime();
        long wall = lastWall == 0 ? 0 : now - lastWall;
        lastWall = now;
        long s = seconds;
        int used = workers.inUse().size();
        for (int i = 0; i < used; i++) {
            long tid = workers.threadId(i);
            long cpu = tid == 0 || !THREADS.isThreadCpuTimeSupported() ? -1 : THREADS.getThreadCpuTime(tid);
            int load = 0;
            if (cpu >= 0 && lastCpu[i] > 0 && wall > 0) {
                load = (int) Math.min(100, Math.max(0, (cpu - lastCpu[i]) * 100 / wall));
            }
            lastCpu[i] = Math.max(cpu, 0);
            perSecond[i][(int) (s % 60)] = load;
            if (s % 60 == 59) {
                perMinute[i][(int) ((s / 60) % 60)] = average(perSecond[i], 60, s);
            }
        }
        seconds = s + 1;
    }

    /** Worker {@code i}'s load in the last second. */
    public synchronized int lastSecond(int i) {
        return seconds == 0 ? 0 : perSecond[i][(int) ((seconds - 1) % 60)];
    }

    /** Worker {@code i}'s average load over the last {@code window} seconds (1 to 60). */
    public synchronized int average(int i, int window) {
        return seconds == 0 ? 0 : average(perSecond[i], (int) Math.min(window, seconds), seconds - 1);
    }

    /** Worker {@code i}'s average load over the last hour (the minutes measured so far). */
    public synchronized int lastHour(int i) {
        long minutes = seconds / 60;
        return minutes == 0 ? average(i, 60) : average(perMinute[i], (int) Math.min(60, minutes), minutes - 1);
    }

    private static int average(int[] ring, int n, long newest) {
        long sum = 0;
        for (int k = 0; k < n; k++) {
            sum += ring[(int) Math.floorMod(newest - k, 60L)];
        }
        return n == 0 ? 0 : (int) (sum / n);
    }
}
