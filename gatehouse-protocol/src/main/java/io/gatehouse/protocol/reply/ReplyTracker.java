package io.gatehouse.protocol.reply;

import io.gatehouse.api.reply.Reply;
import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;

/**
 * Follows the replies of one backend connection as its bytes stream past, without buffering or consuming them: it
 * reads packet headers and the first bytes of the few packets that matter (OK, ERR, EOF, column counts, prepare
 * responses) and reports each completed {@link Reply} to a listener, in request order. Confined to the connection's
 * worker thread; {@link #scan} only reads the buffer it is given and never retains or releases it.
 *
 * <p>Requests are registered with {@link #expect} in the order they are written to the backend; commands without a
 * response (COM_QUIT, COM_STMT_CLOSE, COM_STMT_SEND_LONG_DATA) must not be registered. Replies can be interleaved
 * with the next request's bytes in one chunk (pipelining); {@link #scan} returns the offsets where replies end so
 * a caller can split chunks at reply boundaries when it needs to.
 */
public final class ReplyTracker {
    /** Receives each completed reply; called from {@link #scan} on the worker thread. */
    public interface Listener {
        /** {@code endIndex} is the buffer index just past the reply's last byte. */
        void onReply(Reply reply, int endIndex);
    }

    private static final int MAX_PAYLOAD = 0xFFFFFF;
    /** The largest packet we copy to parse; OK packets with huge info strings are cut here. */
    private static final int MAX_INSPECT = 64 * 1024;

    private final ArrayDeque<Integer> queue = new ArrayDeque<>();
    private final ReplyState state = new ReplyState();
    private final byte[] header = new byte[4];
    private int headerFill;
    private long payloadLeft;
    private boolean continuation;
    private boolean inspectCurrent;
    private byte[] inspect = new byte[64];
    private int inspectFill;
    private int inspectWanted;
    private long capabilities;
    private Listener listener;

    /** {@code capabilities} are those agreed with the backend (DEPRECATE_EOF, CACHE_METADATA matter). */
    public ReplyTracker(long capabilities, Listener listener) {
        this.capabilities = capabilities;
        this.listener = listener;
    }

    public void capabilities(long caps) {
        this.capabilities = caps;
    }

    public void listener(Listener l) {
        this.listener = l;
    }

    /** Registers a request written to the backend; {@code command} is its first payload byte. */
    public void expect(int command) {
        if (queue.isEmpty() && !state.active()) {
            state.begin(command, capabilities);
        }
        queue.addLast(command);
    }

    /** Requests whose replies have not completed. */
    public int inFlight() {
        return queue.size();
    }

    /** True when a reply has started but not completed, or when requests are queued. */
    public boolean busy() {
        return !queue.isEmpty();
    }

    /** True when part of a reply has been seen (bytes may already have reached the client). */
    public boolean replyStarted() {
        return state.started();
    }

    /**
     * True when the bytes seen end with a whole packet (no header or payload part of one pending): a packet made
     * here may follow them on the client's stream.
     */
    public boolean atPacketBoundary() {
        return headerFill == 0 && payloadLeft == 0 && !continuation;
    }

    /** True when the reply in progress asked the client for a LOCAL INFILE file; its numbering is then the client's. */
    public boolean replyAskedForFile() {
        return state.active() && state.askedForFile();
    }

    /** The command of the oldest unfinished request, or -1. */
    public int currentCommand() {
        Integer c = queue.peekFirst();
        return c == null ? -1 : c;
    }

    /**
     * True once after the backend asked the client for a LOCAL INFILE file; the client's next packets are the
     * file's contents, ended by an empty packet, and must not be taken for commands.
     */
    public boolean takeLocalInfileRequest() {
        return state.takeLocalInfile();
    }

    /** The sequence number of the last packet header seen. */
    public int lastSequence() {
        return header[3] & 0xFF;
    }

    /** Resets all state, for a connection being reset before reuse. */
    public void reset() {
        queue.clear();
        state.clear();
        headerFill = 0;
        payloadLeft = 0;
        continuation = false;
        inspectCurrent = false;
    }

    /** Follows the bytes in {@code buf[readerIndex, writerIndex)}; does not move indexes or release. */
    public void scan(ByteBuf buf) {
        int i = buf.readerIndex();
        int end = buf.writerIndex();
        while (i < end) {
            if (payloadLeft == 0 && headerFill < 4) {
                while (headerFill < 4 && i < end) {
                    header[headerFill++] = buf.getByte(i++);
                }
                if (headerFill < 4) {
                    return;
                }
                int len = (header[0] & 0xFF) | (header[1] & 0xFF) << 8 | (header[2] & 0xFF) << 16;
                startPacket(len);
                if (len == 0) {
                    finishPacket(i);
                }
                continue;
            }
            int n = (int) Math.min(payloadLeft, end - i);
            if (inspectCurrent && inspectFill < inspectWanted) {
                int copy = Math.min(n, inspectWanted - inspectFill);
                boolean first = inspectFill == 0;
                buf.getBytes(i, inspect, inspectFill, copy);
                inspectFill += copy;
                if (first) {
                    // Rows are skipped after one byte; only terminators and errors are read whole.
                    inspectWanted = Math.min(state.bytesWanted(inspect[0] & 0xFF, currentLength()), MAX_INSPECT);
                    ensureInspectCapacity();
                    if (inspectFill < inspectWanted) {
                        int more = Math.min(n - copy, inspectWanted - inspectFill);
                        buf.getBytes(i + copy, inspect, inspectFill, more);
                        inspectFill += more;
                    }
                }
            }
            i += n;
            payloadLeft -= n;
            if (payloadLeft == 0) {
                finishPacket(i);
            }
        }
    }

    private void startPacket(int len) {
        payloadLeft = len;
        inspectFill = 0;
        // A packet that continues a 16 MiB one carries no new meaning; only first parts are inspected.
        inspectCurrent = !continuation && state.active() && len > 0;
        inspectWanted = inspectCurrent ? 1 : 0;
    }

    private int currentLength() {
        return (header[0] & 0xFF) | (header[1] & 0xFF) << 8 | (header[2] & 0xFF) << 16;
    }

    private void ensureInspectCapacity() {
        if (inspect.length < inspectWanted) {
            inspect = java.util.Arrays.copyOf(inspect, Math.max(inspectWanted, inspect.length * 2));
        }
    }

    private void finishPacket(int endIndex) {
        int len = currentLength();
        boolean wasContinuation = continuation;
        continuation = len == MAX_PAYLOAD;
        headerFill = 0;
        if (!wasContinuation && state.active()) {
            boolean done = state.onPacket(inspect, inspectFill, len, capabilities);
            if (done) {
                Reply r = state.toReply();
                queue.pollFirst();
                state.clear();
                Integer next = queue.peekFirst();
                if (next != null) {
                    state.begin(next, capabilities);
                }
                if (listener != null) {
                    listener.onReply(r, endIndex);
                }
            }
        }
        inspectCurrent = false;
    }
}
