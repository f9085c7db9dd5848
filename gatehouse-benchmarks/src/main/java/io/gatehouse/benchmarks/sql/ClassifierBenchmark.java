package io.gatehouse.benchmarks.sql;

import io.gatehouse.sql.Classification;
import io.gatehouse.sql.Classifier;
import io.gatehouse.sql.ClassifierCache;
import io.gatehouse.sql.SqlMode;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of uncached classification on the sysbench mix and on ~200-character ORM statements, and the cost of
 * a classifier-cache hit; one benchmark thread (one core), state owned by that thread.
 */
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class ClassifierBenchmark {
    private static final int MIX = 4096;

    private final Classifier classifier = new Classifier();
    private byte[][] sysbench;
    private byte[][] orm;
    private ClassifierCache cache;
    private int next;
    /** sysbench's point selects: 40,000 distinct texts (4 tables of 10,000 rows), visited in a shuffled order. */
    private byte[][] pointSelects;
    private ClassifierCache pointSelectCache;
    private int nextPoint;

    @Setup(Level.Trial)
    public void setUp() {
        sysbench = Statements.sysbench(MIX, 1);
        orm = Statements.orm(MIX, 2);
        cache = new ClassifierCache(classifier, 64L << 20);
        for (byte[] s : orm) {
            cache.classify(s, 0, s.length, SqlMode.DEFAULT);
        }
        java.util.List<byte[]> points = new java.util.ArrayList<>();
        for (int t = 1; t <= 4; t++) {
            for (int id = 1; id <= 10_000; id++) {
                points.add(("SELECT c FROM sbtest" + t + " WHERE id=" + id)
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
        }
        java.util.Collections.shuffle(points, new java.util.Random(3));
        pointSelects = points.toArray(new byte[0][]);
        pointSelectCache = new ClassifierCache(classifier, 64L << 20);
        for (byte[] s : pointSelects) {
            pointSelectCache.classify(s, 0, s.length, SqlMode.DEFAULT);
        }
    }

    private byte[] nextPointSelect() {
        int i = nextPoint;
        nextPoint = i + 1 == pointSelects.length ? 0 : i + 1;
        return pointSelects[i];
    }

    /** A cache hit on one of sysbench's 40,000 point selects, as a worker sees them under oltp_point_select. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public Classification cacheHitPointSelect() {
        byte[] s = nextPointSelect();
        return pointSelectCache.classify(s, 0, s.length, SqlMode.DEFAULT);
    }

    /** The same point selects classified without the cache. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public Classification uncachedPointSelect() {
        byte[] s = nextPointSelect();
        return classifier.classify(s, 0, s.length, SqlMode.DEFAULT);
    }

    private byte[] nextOf(byte[][] mix) {
        int i = next;
        next = (i + 1) & (MIX - 1);
        return mix[i];
    }

    /** Uncached: one sysbench statement per operation. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public Classification classifySysbench() {
        byte[] s = nextOf(sysbench);
        return classifier.classify(s, 0, s.length, SqlMode.DEFAULT);
    }

    /** Uncached: one ~200-character ORM statement per operation. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public Classification classifyOrm() {
        byte[] s = nextOf(orm);
        return classifier.classify(s, 0, s.length, SqlMode.DEFAULT);
    }

    /** A cache hit on a ~200-character ORM statement (hash, compare, LRU move). */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public Classification cacheHitOrm() {
        byte[] s = nextOf(orm);
        return cache.classify(s, 0, s.length, SqlMode.DEFAULT);
    }

    /** Canonical form and digest of a sysbench statement (done lazily, when statistics ask for it). */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public long canonicalDigestSysbench() {
        byte[] s = nextOf(sysbench);
        return classifier.classify(s, 0, s.length, SqlMode.DEFAULT).digest();
    }
}
