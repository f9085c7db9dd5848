package io.gatehouse.protocol.frame;

import io.gatehouse.protocol.PacketTooLargeException;
import io.gatehouse.protocol.Packets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a byte stream read from one connection into whole MariaDB packets (4-byte header included), in time linear
 * in the bytes read however they are split; confined to the event loop of that connection. {@link #add} takes
 * ownership of each chunk; every buffer {@link #next}, {@link #nextCommand} and {@link #drain} return belongs to the
 * caller; {@link #release} frees what is still held.
 *
 * <p>This is the one frame decoder of the proxy: the core frames client commands with {@link #nextCommand} and the
 * login phases of clients and backends with {@link #next}.
 *
 * <p>Why it stays linear: a packet that lies whole inside one chunk is returned as a retained slice of that chunk
 * (or as the chunk itself when it holds nothing else), so nothing is copied. A packet that spans chunks is returned as a composite of its pieces: a piece of at least
 * {@value #ADOPT_MIN} bytes that fills at least half of its chunk is kept as a retained slice, without a copy,
 * which is what full socket reads (up to 64 KiB) of a large packet give; smaller pieces are copied once into
 * segments whose sizes double, and their chunks freed at once. Copying small pieces is cheaper than keeping them:
 * a 16 MiB packet in 4 KiB reads would otherwise pin four thousand read buffers (the allocator has to find fresh
 * memory for each instead of reusing the one just freed) and hand its reader a composite of as many components;
 * copied, it costs one extra pass over the bytes and is about a dozen segments. Bytes already held are never
 * copied again, and memory stays within about twice the bytes read: a header that announces 16 MiB followed by a
 * few bytes costs a few bytes, not 16 MiB.
 *
 * <p>The limit on the payload length is checked from the header, before any of the payload is buffered; a refused
 * header releases everything held and leaves the accumulator closed: later chunks are released on arrival and
 * {@link #next} returns null. MariaDB answers such a packet with ER_NET_PACKET_TOO_LARGE and closes the connection;
 * the exception carries the sequence number for that answer. During LOAD DATA LOCAL INFILE the server applies no
 * such limit to the file's packets; lift it with {@link #maxPayload(long)}.
 */
public final class PacketAccumulator {
    /** The smallest piece of a chunk kept as a slice rather than copied: a full read of Netty's largest size. */
    static final int ADOPT_MIN = 64 * 1024;
    /** The smallest segment allocated for copied pieces, unless the rest of the packet is smaller. */
    static final int MIN_SEGMENT = 4096;

    private final ByteBufAllocator alloc;
    private long maxPayload;
    /** Bytes not yet framed, oldest first; each is owned here. */
    private final ArrayDeque<ByteBuf> chunks = new ArrayDeque<>();
    private long chunkBytes;
    /** The packet that spans chunks, being copied: its full size with header, or -1 when there is none. */
    private int partialSize = -1;
    private int partialFilled;
    /** The pieces of that packet so far: retained slices of chunks and segments of copied bytes. */
    private final List<ByteBuf> segments = new ArrayList<>(4);
    /** The last piece when it is a segment with room left, which the next copied bytes go to; else null. */
    private ByteBuf copyTail;
    /** The packets read so far of a command of 16 MiB or more, for {@link #nextCommand}. */
    private CompositeByteBuf command;
    private long commandPayload;
    private boolean closed;

    /**
     * @param alloc      allocates the segments of packets that span chunks and the composites
     * @param maxPayload the largest payload accepted: of one packet for {@link #next}, of a whole command (the
     *                   joined payloads of its packets) for {@link #nextCommand}
     */
    public PacketAccumulator(ByteBufAllocator alloc, long maxPayload) {
        this.alloc = alloc;
        maxPayload(maxPayload);
    }

    /** Changes the payload limit for the headers not yet read, e.g. to lift it while a LOCAL INFILE is sent. */
    public void maxPayload(long limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("maxPayload: " + limit + " (expected: at least 0)");
        }
        this.maxPayload = limit;
    }

    public long maxPayload() {
        return maxPayload;
    }

    /** Appends a chunk read from the connection; takes ownership of it (it is released here or later). */
    public void add(ByteBuf chunk) {
        if (closed || !chunk.isReadable()) {
            chunk.release();
            return;
        }
        try {
            if (partialSize >= 0 && chunks.isEmpty()) {
                // The common case while a large packet arrives: copy straight in, queue nothing.
                fill(chunk, chunk.readableBytes());
                if (!chunk.isReadable()) {
                    chunk.release();
                    return;
                }
            }
        } catch (RuntimeException | Error e) {
            chunk.release();
            throw e;
        }
        chunks.addLast(chunk);
        chunkBytes += chunk.readableBytes();
    }

    /**
     * The next whole packet, header included, or null when more bytes are needed. The caller owns the buffer.
     *
     * @throws PacketTooLargeException when the next header announces more than {@link #maxPayload()} bytes
     * @throws IllegalStateException   when {@link #nextCommand} holds part of a multi-packet command
     */
    public ByteBuf next() {
        if (command != null) {
            throw new IllegalStateException("next: a multi-packet command is half read (expected: nextCommand)");
        }
        return nextPacket(0);
    }

    /**
     * The next whole command, or null when more bytes are needed. A command shorter than 16 MiB - 1 bytes is one
     * packet, returned as by {@link #next}; a longer one arrives as packets of {@link Packets#MAX_PAYLOAD} bytes
     * ended by a shorter (possibly empty) one, and is returned as one composite of all of them, each with its own
     * header, so that it can be forwarded as it came. The limit applies to the joined payload length and is
     * checked at each header, before that packet's payload is buffered. The caller owns the buffer.
     *
     * @throws PacketTooLargeException when the joined payload would exceed {@link #maxPayload()} bytes
     */
    public ByteBuf nextCommand() {
        while (true) {
            ByteBuf packet = nextPacket(commandPayload);
            if (packet == null) {
                return null;
            }
            int len = Packets.payloadLength(packet, packet.readerIndex());
            if (command == null && len < Packets.MAX_PAYLOAD) {
                return packet;
            }
            if (command == null) {
                command = alloc.compositeBuffer(Integer.MAX_VALUE);
            }
            command.addComponent(true, packet);
            commandPayload += len;
            if (len < Packets.MAX_PAYLOAD) {
                ByteBuf whole = command;
                command = null;
                commandPayload = 0;
                return whole;
            }
        }
    }

    /**
     * Hands over every byte held and not yet returned, in stream order (packets of an unfinished command, the
     * partly read packet, unframed chunks), as one buffer the caller owns, or null when nothing is held. The
     * accumulator is empty afterwards and may be used again.
     */
    public ByteBuf drain() {
        List<ByteBuf> parts = new ArrayList<>(segments.size() + chunks.size() + 1);
        if (command != null) {
            parts.add(command);
        }
        parts.addAll(segments);
        parts.addAll(chunks);
        command = null;
        commandPayload = 0;
        segments.clear();
        copyTail = null;
        partialSize = -1;
        partialFilled = 0;
        chunks.clear();
        chunkBytes = 0;
        if (parts.isEmpty()) {
            return null;
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        return alloc.compositeBuffer(parts.size()).addComponents(true, parts);
    }

    /** The bytes held here: unframed, partly framed, and read packets of an unfinished command. */
    public long bufferedBytes() {
        return chunkBytes + partialFilled + (command == null ? 0 : command.readableBytes());
    }

    /** Releases everything held; later chunks are released on arrival. Safe to call more than once. */
    public void release() {
        closed = true;
        ByteBuf rest = drain();
        if (rest != null) {
            rest.release();
        }
    }

    private ByteBuf nextPacket(long payloadBefore) {
        if (closed) {
            return null;
        }
        if (partialSize < 0) {
            if (chunkBytes < Packets.HEADER_SIZE) {
                return null;
            }
            ByteBuf first = chunks.peekFirst();
            int header = first.readableBytes() >= Packets.HEADER_SIZE ? first.getIntLE(first.readerIndex())
                    : headerAcrossChunks();
            int len = header & 0xFFFFFF;
            if (payloadBefore + len > maxPayload) {
                release();
                throw new PacketTooLargeException(payloadBefore + len, maxPayload, header >>> 24);
            }
            int size = Packets.HEADER_SIZE + len;
            if (first.readableBytes() == size) {
                // The usual case (one command per read): the chunk itself is the packet, handed over as it is,
                // which saves a slice and two reference-count updates per packet.
                chunkBytes -= size;
                return chunks.pollFirst();
            }
            if (first.readableBytes() > size) {
                ByteBuf packet = first.readRetainedSlice(size);
                chunkBytes -= size;
                if (!first.isReadable()) {
                    chunks.pollFirst().release();
                }
                return packet;
            }
            partialSize = size;
            partialFilled = 0;
        }
        while (partialFilled < partialSize && !chunks.isEmpty()) {
            ByteBuf first = chunks.peekFirst();
            int before = first.readableBytes();
            fill(first, chunkBytes);
            chunkBytes -= before - first.readableBytes();
            if (!first.isReadable()) {
                chunks.pollFirst().release();
            }
        }
        if (partialFilled < partialSize) {
            return null;
        }
        ByteBuf packet = segments.size() == 1 ? segments.get(0)
                : alloc.compositeBuffer(segments.size()).addComponents(true, segments);
        segments.clear();
        copyTail = null;
        partialSize = -1;
        partialFilled = 0;
        return packet;
    }

    /** The 4 header bytes as a little-endian int when they are split over chunks (at least 4 bytes are held). */
    private int headerAcrossChunks() {
        int header = 0;
        int got = 0;
        for (ByteBuf c : chunks) {
            for (int i = c.readerIndex(); i < c.writerIndex() && got < Packets.HEADER_SIZE; i++, got++) {
                header |= c.getUnsignedByte(i) << (8 * got);
            }
            if (got == Packets.HEADER_SIZE) {
                break;
            }
        }
        return header;
    }

    /**
     * Takes from {@code src} as much of the spanning packet as it holds: copied into the current segment when it
     * fits there, kept as a slice when the piece is most of its chunk, else copied into new segments, each sized to
     * what is already held ({@code available} bytes queued, or the packet so far) but never beyond the packet's end.
     */
    private void fill(ByteBuf src, long available) {
        int n = Math.min(src.readableBytes(), partialSize - partialFilled);
        if (n == 0) {
            return;
        }
        if ((copyTail == null || copyTail.writableBytes() < n) && n >= ADOPT_MIN && n >= src.capacity() / 2) {
            segments.add(src.readRetainedSlice(n));
            copyTail = null;
            partialFilled += n;
            return;
        }
        while (n > 0) {
            if (copyTail == null || !copyTail.isWritable()) {
                long wanted = Math.max(Math.max(n, MIN_SEGMENT), Math.max(partialFilled, available));
                int capacity = (int) Math.min(partialSize - partialFilled, wanted);
                copyTail = alloc.buffer(capacity, capacity);
                segments.add(copyTail);
            }
            int k = Math.min(n, copyTail.writableBytes());
            copyTail.writeBytes(src, k);
            partialFilled += k;
            n -= k;
        }
    }
}
