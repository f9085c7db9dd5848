package io.gatehouse.filters.firewall;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.gatehouse.sql.Classification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one firewall keeps in its rules file: the operator's rules, the digests learned per user@host, the current
 * mode and the counters. One store per file, shared by every instance of the filter (a runtime change makes a new
 * instance while the old one's sessions still run, and both must see the same rules and mode at once).
 *
 * <p>Threads: workers call {@link #verdict} and {@link #learn}, which read a volatile rule list and concurrent maps
 * and never block or touch the disk; new learned digests are written by the shared background writer within about
 * a second. The admin thread edits rules and learned digests under the store's lock and writes the file before it
 * answers. Every write is atomic (a temporary file moved over the old one). Holds no buffers.
 */
final class FirewallStore {
    private static final Logger LOG = LoggerFactory.getLogger(FirewallStore.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Map<Path, FirewallStore> OPEN = new HashMap<>();
    private static final Set<FirewallStore> DIRTY = ConcurrentHashMap.newKeySet();
    private static ScheduledExecutorService writer;

    /** Who sends a statement: the authenticated user and the client's address. */
    record Principal(String user, String host) {
    }

    /** Why a statement may or may not run. */
    enum Verdict { DENIED_BY_RULE, ALLOWED_BY_RULE, LEARNED, UNKNOWN }

    private final Path file;
    private final Object writeLock = new Object();
    private final AtomicBoolean dirty = new AtomicBoolean();
    private final ConcurrentHashMap<Principal, ConcurrentHashMap<Long, LearnedDigest>> learned =
            new ConcurrentHashMap<>();
    private volatile List<FirewallRule> rules = List.of();
    private volatile FirewallMode mode = FirewallMode.LEARNING;
    /** max_learned_digests, 0 for no limit, and the filter section that set it (for the log). */
    private volatile long maxLearned;
    private volatile String section = "";
    /** How many digests {@link #learned} holds, kept by hand: counting the maps on every statement would cost. */
    private final java.util.concurrent.atomic.AtomicLong learnedTotal = new java.util.concurrent.atomic.AtomicLong();
    /** Set once the bound was reached and logged; cleared when room is made, so the next time is logged again. */
    private final AtomicBoolean full = new AtomicBoolean();
    private int refs;

    final LongAdder allowed = new LongAdder();
    final LongAdder refused = new LongAdder();
    final LongAdder learnedNow = new LongAdder();
    final LongAdder notLearned = new LongAdder();

    private FirewallStore(Path file) {
        this.file = file;
    }

    /** The store of {@code file}, loaded from it when it is not open yet; pair with {@link #release()}. */
    static FirewallStore acquire(Path file) {
        startWriter();          // here, on the admin or start thread, so no worker ever makes the thread
        Path key = file.toAbsolutePath().normalize();
        synchronized (OPEN) {
            FirewallStore s = OPEN.get(key);
            if (s == null) {
                s = new FirewallStore(key);
                s.load();
                OPEN.put(key, s);
            }
            s.refs++;
            return s;
        }
    }

    /** One user of the store is done; the last one writes what is unwritten and closes it. */
    void release() {
        boolean last;
        synchronized (OPEN) {
            last = --refs == 0;
            if (last) {
                OPEN.remove(file);
            }
        }
        if (last) {
            flush();
        }
    }

    Path file() {
        return file;
    }

    FirewallMode mode() {
        return mode;
    }

    void mode(FirewallMode m) {
        mode = m;
    }

    long maxLearned() {
        return maxLearned;
    }

    /** Sets the bound on learned digests (a new filter instance at start or at a runtime change). */
    void maxLearned(String filterSection, long max) {
        section = filterSection;
        maxLearned = max;
        recount();
    }

    /** Decides for one statement; any worker thread, no allocation beyond a boxed digest. */
    Verdict verdict(Principal p, Classification c, long digest) {
        boolean allowedByRule = false;
        for (FirewallRule r : rules) {
            if (r.matches(p.user(), p.host(), c, digest)) {
                if (!r.allow()) {
                    return Verdict.DENIED_BY_RULE;
                }
                allowedByRule = true;
            }
        }
        if (allowedByRule) {
            return Verdict.ALLOWED_BY_RULE;
        }
        Map<Long, LearnedDigest> known = learned.get(p);
        return known != null && known.containsKey(digest) ? Verdict.LEARNED : Verdict.UNKNOWN;
    }

    /** Records {@code digest} for {@code p} if it is new; any worker thread, never touches the disk. */
    void learn(Principal p, long digest, Classification c) {
        ConcurrentHashMap<Long, LearnedDigest> known = learned.get(p);
        if (known == null) {
            known = learned.computeIfAbsent(p, k -> new ConcurrentHashMap<>());
        }
        if (known.containsKey(digest)) {
            return;
        }
        if (!reserve()) {
            notLearned.increment();
            return;
        }
        LearnedDigest d = new LearnedDigest(p.user(), p.host(), digest, LearnedDigest.cut(c.canonical()),
                Instant.now());
        if (known.putIfAbsent(digest, d) == null) {
            learnedNow.increment();
            markDirty();
        } else {
            learnedTotal.decrementAndGet();     // another session learned it first
        }
    }

    /**
     * Takes room for one more learned digest, or says there is none (logging that once until room is made); any
     * worker thread, lock-free.
     */
    private boolean reserve() {
        long max = maxLearned;
        while (true) {
            long n = learnedTotal.get();
            if (max > 0 && n >= max) {
                if (full.compareAndSet(false, true)) {
                    LOG.warn("Firewall {}: {} learned digests reached max_learned_digests={}; new digests are not"
                            + " learned (in enforcing mode they are refused) until the limit is raised or learned"
                            + " digests are removed", section, n, max);
                }
                return false;
            }
            if (learnedTotal.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Counts the learned digests again after an operator's edit or a new bound; not on a worker's path. */
    private void recount() {
        long n = learnedCount();
        learnedTotal.set(n);
        long max = maxLearned;
        if (max == 0 || n < max) {
            full.set(false);
        }
    }

    int ruleCount() {
        return rules.size();
    }

    int learnedCount() {
        int n = 0;
        for (var m : learned.values()) {
            n += m.size();
        }
        return n;
    }

    List<Object> rulesJson() {
        List<Object> out = new ArrayList<>();
        for (FirewallRule r : rules) {
            out.add(r.toJson());
        }
        return out;
    }

    List<Object> learnedJson() {
        List<LearnedDigest> all = new ArrayList<>();
        learned.values().forEach(m -> all.addAll(m.values()));
        all.sort(Comparator.comparing(LearnedDigest::user).thenComparing(LearnedDigest::host)
                .thenComparing(LearnedDigest::firstSeen).thenComparing(LearnedDigest::digest));
        List<Object> out = new ArrayList<>();
        all.forEach(d -> out.add(d.toJson()));
        return out;
    }

    /** Replaces ({@code replace}) or adds to the rules, then writes the file; admin thread. */
    synchronized void writeRules(Object body, boolean replace) {
        install(replace ? List.of() : rules, body);
        flush();
    }

    /** Publishes {@code base} plus the rules of {@code body}; a rule without an id, or a taken one, gets a new one. */
    private void install(List<FirewallRule> base, Object body) {
        List<FirewallRule> next = new ArrayList<>(base);
        Set<Long> ids = new HashSet<>();
        next.forEach(r -> ids.add(r.id()));
        for (Object entry : entries(body, "rules")) {
            FirewallRule r = FirewallRule.fromJson(entry, 0);
            if (r.id() == 0 || !ids.add(r.id())) {
                long id = ids.stream().mapToLong(Long::longValue).max().orElse(0) + 1;
                r = r.withId(id);
                ids.add(id);
            }
            next.add(r);
        }
        rules = List.copyOf(next);
    }

    /** Removes the rules whose id is in {@code selection}'s {@code id} (comma-separated), or all; admin thread. */
    synchronized void removeRules(Map<String, String> selection) {
        onlyKeys(selection, Set.of("id"));
        if (selection.isEmpty()) {
            rules = List.of();
        } else {
            Set<Long> gone = new HashSet<>();
            for (String part : selection.get("id").split(",")) {
                try {
                    gone.add(Long.parseLong(part.trim()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("id: '" + part + "' (expected: rule ids, comma-separated)");
                }
            }
            Set<Long> present = new HashSet<>();
            rules.forEach(r -> present.add(r.id()));
            for (long g : gone) {
                if (!present.contains(g)) {
                    throw new IllegalArgumentException("id: '" + g + "' (expected: the id of an existing rule)");
                }
            }
            rules = rules.stream().filter(r -> !gone.contains(r.id())).toList();
        }
        flush();
    }

    /** Replaces ({@code replace}) or adds to the learned digests, then writes the file; admin thread. */
    synchronized void writeLearned(Object body, boolean replace) {
        List<LearnedDigest> parsed = new ArrayList<>();
        for (Object entry : entries(body, "learned digests")) {
            parsed.add(LearnedDigest.fromJson(entry));
        }
        if (replace) {
            learned.clear();
        }
        for (LearnedDigest d : parsed) {
            learned.computeIfAbsent(new Principal(d.user(), d.host()), k -> new ConcurrentHashMap<>())
                    .putIfAbsent(d.digest(), d);
        }
        recount();
        flush();
    }

    /** Forgets the learned digests that match every given {@code user}, {@code host} and {@code digest}; admin. */
    synchronized void removeLearned(Map<String, String> selection) {
        onlyKeys(selection, Set.of("user", "host", "digest"));
        String user = selection.get("user");
        String host = selection.get("host");
        Long digest = selection.containsKey("digest") ? Digests.parse("digest", selection.get("digest")) : null;
        for (var e : learned.entrySet()) {
            Principal p = e.getKey();
            if ((user != null && !user.equals(p.user())) || (host != null && !host.equals(p.host()))) {
                continue;
            }
            if (digest == null) {
                learned.remove(p);
            } else {
                e.getValue().remove(digest);
            }
        }
        recount();
        flush();
    }

    private static List<?> entries(Object body, String what) {
        if (body instanceof List<?> l) {
            return l;
        }
        if (body instanceof Map<?, ?>) {
            return List.of(body);
        }
        throw new IllegalArgumentException("data: " + body + " (expected: a list of " + what + ", or one)");
    }

    private static void onlyKeys(Map<String, String> selection, Set<String> allowed) {
        for (String k : selection.keySet()) {
            if (!allowed.contains(k)) {
                throw new IllegalArgumentException(k + ": unknown selection (expected: " + String.join(", ",
                        allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    private void markDirty() {
        if (dirty.compareAndSet(false, true)) {
            DIRTY.add(this);
        }
    }

    private static synchronized void startWriter() {
        if (writer == null) {
            writer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "gatehouse-firewall-writer");
                t.setDaemon(true);
                return t;
            });
            writer.scheduleWithFixedDelay(FirewallStore::flushDirty, 1, 1, TimeUnit.SECONDS);
        }
    }

    /** The writer's pass: writes every store that learned something since its last write; never dies. */
    private static void flushDirty() {
        for (FirewallStore s : DIRTY) {
            DIRTY.remove(s);
            try {
                s.flush();
            } catch (RuntimeException e) {
                LOG.error("Firewall: cannot write {}: {}", s.file, e.toString());
            }
        }
    }

    /** Writes the whole store to its file atomically; any non-worker thread. */
    void flush() {
        synchronized (writeLock) {
            dirty.set(false);
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("rules", rulesJson());
            doc.put("learned", learnedJson());
            try {
                Files.createDirectories(file.getParent());
                Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
                    ch.write(java.nio.ByteBuffer.wrap(JSON.writeValueAsBytes(doc)));
                    ch.force(true);
                }
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException("firewall rules file " + file + ": " + e.getMessage(), e);
            }
        }
    }

    private void load() {
        if (!Files.exists(file)) {
            return;
        }
        Map<?, ?> doc;
        try {
            doc = JSON.readValue(file.toFile(), Map.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("firewall rules file " + file + ": " + e.getMessage()
                    + " (expected: the JSON the firewall writes)");
        }
        try {
            Object r = doc.get("rules");
            if (r != null) {
                install(List.of(), r);
            }
            Object l = doc.get("learned");
            if (l instanceof List<?> list) {
                for (Object entry : list) {
                    LearnedDigest d = LearnedDigest.fromJson(entry);
                    learned.computeIfAbsent(new Principal(d.user(), d.host()), k -> new ConcurrentHashMap<>())
                            .putIfAbsent(d.digest(), d);
                }
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("firewall rules file " + file + ": " + e.getMessage());
        }
    }
}
