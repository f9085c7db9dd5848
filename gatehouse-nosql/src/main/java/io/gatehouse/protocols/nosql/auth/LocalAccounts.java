package io.gatehouse.protocols.nosql.auth;

import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The NoSQL accounts of one listener, kept in a file of the listener's data directory ({@code nosql_accounts.json},
 * readable by the proxy's user only, as it holds the MariaDB passwords): MaxScale keeps them locally too when
 * {@code authentication_shared} is off. Workers read an immutable snapshot; every change replaces the snapshot and is
 * written by this store's own thread ("nosql-accounts-&lt;listener&gt;"), as is the slow key derivation, so no event
 * loop does file I/O or PBKDF2. Thread-safe; no buffers. Futures it returns complete on its thread.
 */
public final class LocalAccounts implements AccountStore, AutoCloseable {
    private static final String FILE = "nosql_accounts.json";

    private final Path file;
    private final AtomicReference<Map<String, NosqlAccount>> accounts;
    private final ExecutorService io;

    /** Loads the accounts of {@code directory} (none when it has no file yet); throws when the file cannot be read. */
    public LocalAccounts(String listener, Path directory) {
        this.file = directory == null ? null : directory.resolve(FILE);
        this.accounts = new AtomicReference<>(load(file));
        this.io = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "nosql-accounts-" + listener);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public CompletableFuture<NosqlAccount> find(String db, String user) {
        return CompletableFuture.completedFuture(accounts.get().get(db + "." + user));
    }

    @Override
    public CompletableFuture<List<NosqlAccount>> list(String db) {
        return CompletableFuture.completedFuture(accounts.get().values().stream()
                .filter(a -> db == null || a.db().equals(db)).toList());
    }

    @Override
    public CompletableFuture<Void> put(NosqlAccount account) {
        return update(m -> {
            m.put(account.key(), account);
            return m;
        });
    }

    @Override
    public CompletableFuture<Void> remove(List<NosqlAccount> gone) {
        return update(m -> {
            gone.forEach(a -> m.remove(a.key()));
            return m;
        });
    }

    /** Runs slow work (key derivation) on the store's thread. */
    @Override
    public <T> CompletableFuture<T> offload(Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, io);
    }

    /**
     * Replaces the accounts with {@code change} of them and writes the file; the future completes once it is written.
     * {@code change} runs on the store's thread, so changes never overwrite each other.
     */
    private CompletableFuture<Void> update(UnaryOperator<Map<String, NosqlAccount>> change) {
        return CompletableFuture.runAsync(() -> {
            Map<String, NosqlAccount> next = Collections.unmodifiableMap(new LinkedHashMap<>(
                    change.apply(new LinkedHashMap<>(accounts.get()))));
            save(next);
            accounts.set(next);
        }, io);
    }

    private void save(Map<String, NosqlAccount> next) {
        if (file == null) {
            return;
        }
        BsonArray list = new BsonArray();
        next.values().forEach(a -> list.add(a.toDocument(true)));
        String json = new BsonDocument("accounts", list).toJson(JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).build());
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(FILE + ".tmp");
            Files.writeString(tmp, json, StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system: the directory's own protection is all there is.
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the NoSQL accounts to " + file + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, NosqlAccount> load(Path file) {
        Map<String, NosqlAccount> out = new LinkedHashMap<>();
        if (file == null || !Files.exists(file)) {
            return Collections.unmodifiableMap(out);
        }
        try {
            BsonDocument doc = BsonDocument.parse(Files.readString(file, StandardCharsets.UTF_8));
            for (BsonValue v : doc.getArray("accounts", new BsonArray())) {
                NosqlAccount a = NosqlAccount.fromDocument(v.asDocument());
                out.put(a.key(), a);
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read the NoSQL accounts in " + file + ": " + e.getMessage(), e);
        }
        return Collections.unmodifiableMap(out);
    }

    @Override
    public void close() {
        io.shutdown();
    }
}
