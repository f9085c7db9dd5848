package io.gatehouse.protocols.nosql.auth;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Where a listener's NoSQL accounts are kept: the listener's local file ({@link LocalAccounts}) or, with
 * {@code authentication_shared=true}, a table in the cluster ({@link SharedAccounts}). Called on a client's event
 * loop; the futures may complete on another thread (the store's), so callers bring results back to their loop.
 * No buffers.
 */
public interface AccountStore {
    /** The account {@code user} of database {@code db}, or null. */
    CompletableFuture<NosqlAccount> find(String db, String user);

    /** The accounts of database {@code db}, or all of them when {@code db} is null. */
    CompletableFuture<List<NosqlAccount>> list(String db);

    /** Stores {@code account}, replacing the one of the same user and database. */
    CompletableFuture<Void> put(NosqlAccount account);

    /** Removes {@code accounts}. */
    CompletableFuture<Void> remove(List<NosqlAccount> accounts);

    /** Runs slow work (key derivation) off the event loops. */
    <T> CompletableFuture<T> offload(Supplier<T> work);
}
