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
    /** The sequence number of the last whole packet of the reply in progress, or -1 when none is whole yet. */
    private int wholeSequence = -1;
    /** Where in the chunk last scanned the last packet ended (an index of that chunk), or -1 when none did. */
    private int lastPacketEnd = -1;
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
            wholeSequence = -1;
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

    /** True when the reply in progress asked the client for a LOCAL INFILE file; its numbering is then the client's. */
    public boolean replyAskedForFile() {
        return state.active() && state.askedForFile();
    }

    /**
     * The number a packet made here would take to follow the whole packets of the reply in progress; -1 when no
     * packet of it is whole yet (or the last one seen continues in a next 16 MiB part).
     */
    public int sequenceAfterWholePackets() {
        return wholeSequence < 0 ? -1 : (wholeSequence + 1) & 0xFF;
    }

    /** The index, in the chunk last given to {@link #scan}, just after the last packet that ended in it; or -1. */
    public int lastPacketEnd() {
        return lastPacketEnd;
    }

    /**
     * The size, header included, of the packet whose start was seen but not its end (at most 4 when its header is
     * not complete yet); 0 at a packet boundary.
     */
    public long pendingPacketSize() {
        if (headerFill == 0 && payloadLeft == 0) {
            return 0;
        }
        return headerFill < 4 ? 4 : currentLength() + 4L;
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
        wholeSequence = -1;
        lastPacketEnd = -1;
    }

    /** Follows the bytes in {@code buf[readerIndex, writerIndex)}; does not move indexes or release. */
    public void scan(ByteBuf buf) {
        lastPacketEnd = -1;
        int i = buf.readerIndex();
        int end = buf.writerIndex();
        while (i < end) {
            if (payloadLeft == 0 && headerFill < 4) {
                if (headerFill == 0 && end - i >= 4) {
                    // The usual case: the whole header in one read (one bounds check instead of four).
                    int h = buf.getIntLE(i);
                    header[0] = (byte) h;
                    header[1] = (byte) (h >>> 8);
                    header[2] = (byte) (h >>> 16);
                    header[3] = (byte) (h >>> 24);
                    headerFill = 4;
                    i += 4;
                }
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
                int copied = 0;
                if (inspectFill == 0) {
                    // Rows are skipped after one byte (read alone, without a bulk copy); only terminators and
                    // errors are read whole.
                    inspect[0] = buf.getByte(i);
                    inspectFill = 1;
                    copied = 1;
                    inspectWanted = Math.min(state.bytesWanted(inspect[0] & 0xFF, currentLength()), MAX_INSPECT);
                    ensureInspectCapacity();
                }
                int more = Math.min(n - copied, inspectWanted - inspectFill);
                if (more > 0) {
                    buf.getBytes(i + copied, inspect, inspectFill, more);
                    inspectFill += more;
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
        lastPacketEnd = endIndex;
        if (state.active()) {
            // A part followed by another (16 MiB) is not whole yet: nothing made here may follow it.
            wholeSequence = continuation ? -1 : header[3] & 0xFF;
        }
        if (!wasContinuation && state.active()) {
            boolean done = state.onPacket(inspect, inspectFill, len, capabilities);
            if (done) {
                wholeSequence = -1;
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
