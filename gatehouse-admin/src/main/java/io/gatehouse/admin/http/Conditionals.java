package io.gatehouse.admin.http;

import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Date;
import java.util.HexFormat;

/**
 * The REST API's conditional requests, as MaxScale documents them: every JSON answer to a GET carries an
 * {@code ETag} and {@code Last-Modified} (the last change made through this API, or the start). The tag is the
 * API's change count and a digest of the document: a GET whose {@code If-None-Match} names it (the document is
 * byte for byte the same) or whose {@code If-Modified-Since} is not older than the last change gets 304; a write's
 * {@code If-Match} holds while no change was made through the API since the tag was read, as MaxScale's tags ignore
 * state and statistics that move on their own, so a PATCH is not refused because a counter moved. A failed
 * precondition ({@code If-Match}, or {@code If-Unmodified-Since} older than the last change) gets 412 and changes
 * nothing. One per admin server, used on its event loop; the fields are volatile because module commands finish on
 * the command executor. No buffers.
 */
public final class Conditionals {
    /** Seconds since the epoch of the last change through the API (HTTP dates have whole seconds). */
    private volatile long lastModifiedSeconds = System.currentTimeMillis() / 1000;
    /** How many changes were made through the API; the first part of every tag. */
    private final java.util.concurrent.atomic.AtomicLong changes = new java.util.concurrent.atomic.AtomicLong();

    /** A write answered with success: documents fetched before it may be stale. */
    public void changed() {
        changes.incrementAndGet();
        lastModifiedSeconds = System.currentTimeMillis() / 1000;
    }

    /** The {@code Last-Modified} value now. */
    public String lastModified() {
        return DateFormatter.format(new Date(lastModifiedSeconds * 1000));
    }

    /** The entity tag of a document's bytes now: quoted, strong; the change count, a dash, a digest. */
    public String etag(byte[] body) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(body);
            return "\"" + changes.get() + "-" + HexFormat.of().formatHex(d, 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** True when a GET's answer, whose tag is {@code etag}, need not be sent again (304). */
    public boolean notModified(HttpHeaders request, String etag) {
        String none = request.get(HttpHeaderNames.IF_NONE_MATCH);
        if (none != null) {
            // If-None-Match wins over If-Modified-Since when both are sent (RFC 9110 13.2.2).
            return listMatches(none, etag);
        }
        Long since = date(request.get(HttpHeaderNames.IF_MODIFIED_SINCE));
        return since != null && lastModifiedSeconds <= since;
    }

    /**
     * The precondition of a write: null when it holds (or none was given), else why not. {@code exists} tells
     * whether the resource can be read now (a tag cannot match what does not exist).
     */
    public String failedPrecondition(HttpHeaders request, java.util.function.BooleanSupplier exists) {
        String match = request.get(HttpHeaderNames.IF_MATCH);
        if (match != null) {
            if (!exists.getAsBoolean()) {
                return "If-Match: the resource does not exist";
            }
            if (!match.trim().equals("*") && !sameChangeCount(match)) {
                return "If-Match: the configuration was changed through the API since the resource was read (at "
                        + lastModified() + ")";
            }
            return null;
        }
        String raw = request.get(HttpHeaderNames.IF_UNMODIFIED_SINCE);
        Long since = date(raw);
        if (since != null && lastModifiedSeconds > since) {
            return "If-Unmodified-Since: the configuration was changed at " + lastModified() + ", after " + raw;
        }
        return null;
    }

    /** True when the header's comma-separated tags include {@code etag}, or are {@code *}; weak tags compare too. */
    private static boolean listMatches(String header, String etag) {
        for (String t : header.split(",")) {
            String tag = t.trim();
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.equals("*") || tag.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    /** True when one of the header's tags was made at the current change count. */
    private boolean sameChangeCount(String header) {
        String now = "\"" + changes.get() + "-";
        for (String t : header.split(",")) {
            String tag = t.trim();
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.startsWith(now)) {
                return true;
            }
        }
        return false;
    }

    private static Long date(String value) {
        if (value == null) {
            return null;
        }
        Date d = DateFormatter.parseHttpDate(value);
        return d == null ? null : d.getTime() / 1000;
    }
}
