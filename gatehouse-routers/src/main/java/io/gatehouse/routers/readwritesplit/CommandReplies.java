package io.gatehouse.routers.readwritesplit;

import io.gatehouse.api.reply.Reply;
import io.gatehouse.api.router.Endpoint;
import io.netty.buffer.ByteBuf;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The replies to the command in progress of one readwritesplit session: which connections still owe one, whose
 * reply the client gets (the owner), the replies gathered so far, and a copy of a read that may run again on the
 * primary when its replica fails before answering. Per session, on its worker thread; owns the retry copy.
 */
final class CommandReplies {
    /** The command byte of the command in progress. */
    int command;
    private Endpoint owner;
    private boolean ownerStarted;
    // Identity-keyed and open-addressed: adding the command's target or its reply allocates nothing.
    private final Set<Endpoint> pending = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Map<Endpoint, Reply> replies = new IdentityHashMap<>();
    /**
     * The read itself, retained, with the indexes it had when written: writing it moves its reader index, and a
     * retry puts them back, so no duplicate is made for every read.
     */
    private ByteBuf retryCopy;
    private int retryReaderIndex;
    private int retryWriterIndex;

    /** A new command from the client. */
    void begin(int cmd) {
        command = cmd;
        ownerStarted = false;
        replies.clear();
    }

    /** The command goes to {@code target} alone; a retryable read keeps a copy of {@code packet}. */
    void toOne(Endpoint target, ByteBuf packet, boolean retryable) {
        owner = target;
        pending.clear();
        pending.add(target);
        releaseRetryCopy();
        if (retryable) {
            retryReaderIndex = packet.readerIndex();
            retryWriterIndex = packet.writerIndex();
            retryCopy = packet.retain();
        }
    }

    /** The command goes to every connection of {@code all}; the first one's reply is the client's. */
    void toAll(List<Endpoint> all, boolean hasReply) {
        owner = all.get(0);
        pending.clear();
        releaseRetryCopy();
        if (hasReply) {
            pending.addAll(all);
        }
    }

    /** The connection whose reply the client gets. */
    Endpoint owner() {
        return owner;
    }

    /** True when bytes from {@code from} go to the client; notes that the client's reply has started. */
    boolean forwards(Endpoint from) {
        if (from == owner && pending.contains(from)) {
            ownerStarted = true;
            return true;
        }
        return false;
    }

    /** True once bytes of the reply to the command in progress reached the client. */
    boolean started() {
        return ownerStarted;
    }

    /** {@code from}'s reply completed; true when it was owed and was the last one owed. */
    boolean arrived(Endpoint from, Reply reply) {
        if (!pending.remove(from)) {
            return false;
        }
        replies.put(from, reply);
        return pending.isEmpty();
    }

    /** {@code e} will not answer; true when it owed a reply. */
    boolean lost(Endpoint e) {
        return pending.remove(e);
    }

    /** True when no connection owes a reply any more. */
    boolean allArrived() {
        return pending.isEmpty();
    }

    /**
     * The owner failed before any byte reached the client and its read may run again: returns the copy (owned by
     * the caller) after making {@code primary} the owner; null when the read cannot run again.
     */
    ByteBuf retryOn(Endpoint primary) {
        if (ownerStarted || retryCopy == null) {
            return null;
        }
        ByteBuf again = retryCopy.setIndex(retryReaderIndex, retryWriterIndex);
        retryCopy = null;
        owner = primary;
        pending.add(primary);
        return again;
    }

    /** The replies gathered for the command, by connection. */
    Map<Endpoint, Reply> replies() {
        return replies;
    }

    /** The command is complete: forget its replies and its retry copy. */
    void finish() {
        releaseRetryCopy();
        replies.clear();
    }

    void releaseRetryCopy() {
        if (retryCopy != null) {
            retryCopy.release();
            retryCopy = null;
        }
    }
}
