package io.gatehouse.routers.mirror;

import io.gatehouse.api.reply.Reply;
import io.gatehouse.api.router.Endpoint;
import io.gatehouse.protocol.Commands;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * What the targets answered to one statement of a mirror session: per target a CRC32 of the reply's bytes, its
 * rows, warnings, duration and kind, and the JSON line MaxScale's mirror router exports for it. Confined to the
 * session's worker thread; it reads the reply chunks it is shown and never keeps or releases them.
 */
final class MirrorReport {
    /** One target's answer. */
    private static final class Result {
        final String target;
        final CRC32 crc = new CRC32();
        long rows;
        int warnings;
        long durationNanos = -1;
        String type = "error";

        Result(String target) {
            this.target = target;
        }
    }

    private final String query;
    private final int command;
    private final long session;
    private final long queryId;
    private final long startNanos = System.nanoTime();
    private final Map<Endpoint, Result> results = new LinkedHashMap<>();

    MirrorReport(String query, int command, long session, long queryId) {
        this.query = query;
        this.command = command;
        this.session = session;
        this.queryId = queryId;
    }

    /** {@code e} was sent the statement and is to answer it. */
    void expect(Endpoint e) {
        results.put(e, new Result(e.server().name()));
    }

    /** True while {@code e} has not finished answering. */
    boolean waitsFor(Endpoint e) {
        Result r = results.get(e);
        return r != null && r.durationNanos < 0;
    }

    /** A chunk of {@code e}'s answer, folded into its checksum (the buffer is only read). */
    void bytes(Endpoint e, ByteBuf chunk) {
        Result r = results.get(e);
        if (r == null) {
            return;
        }
        for (ByteBuffer b : chunk.nioBuffers(chunk.readerIndex(), chunk.readableBytes())) {
            r.crc.update(b);
        }
    }

    /** {@code e} finished answering with {@code reply}, or was lost before it did (null). */
    void done(Endpoint e, Reply reply) {
        Result r = results.get(e);
        if (r == null || r.durationNanos >= 0) {
            return;
        }
        r.durationNanos = System.nanoTime() - startNanos;
        if (reply != null) {
            r.rows = reply.rows();
            r.warnings = reply.warnings();
            r.type = reply.isError() ? "error" : reply.kind() == Reply.Kind.RESULT_SET ? "resultset" : "ok";
        }
    }

    /** True once every target answered or was lost. */
    boolean complete() {
        return results.values().stream().allMatch(r -> r.durationNanos >= 0);
    }

    /** True when the targets' answers differ in checksum or kind. */
    boolean conflict() {
        return results.values().stream().map(r -> r.type + r.crc.getValue()).distinct().count() > 1;
    }

    /** The report as MaxScale's mirror router exports it: one JSON object. */
    String json() {
        StringBuilder sb = new StringBuilder(256);
        sb.append('{');
        if (query != null) {
            sb.append("\"query\":").append(quote(query)).append(',');
        }
        sb.append("\"command\":").append(quote(Commands.name(command))).append(",\"session\":").append(session)
                .append(",\"query_id\":").append(queryId).append(",\"results\":[");
        boolean first = true;
        for (Result r : results.values()) {
            sb.append(first ? "" : ",").append("{\"target\":").append(quote(r.target))
                    .append(",\"checksum\":").append(quote(String.format("%08x", r.crc.getValue())))
                    .append(",\"rows\":").append(r.rows).append(",\"warnings\":").append(r.warnings)
                    .append(",\"duration\":").append(r.durationNanos / 1_000_000)
                    .append(",\"type\":").append(quote(r.type)).append('}');
            first = false;
        }
        return sb.append("]}").toString();
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
