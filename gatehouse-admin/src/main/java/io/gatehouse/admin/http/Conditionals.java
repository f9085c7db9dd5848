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
 * {@code ETag} (a digest of the document) and {@code Last-Modified} (the last change made through this API, or the
 * start); a GET with a matching {@code If-None-Match}, or an {@code If-Modified-Since} not older than that change,
 * gets 304; a write whose {@code If-Match} no longer matches the resource as a GET shows it now, or whose
 * {@code If-Unmodified-Since} is older than the last change, gets 412 and changes nothing. One per admin server,
 * used on its event loop; the change time is volatile because module commands finish on the command executor. No
 * buffers.
 */
public final class Conditionals {
    /** Seconds since the epoch of the last change through the API (HTTP dates have whole seconds). */
    private volatile long lastModifiedSeconds = System.currentTimeMillis() / 1000;

    /** A write answered with success: documents fetched before it may be stale. */
    public void changed() {
        lastModifiedSeconds = System.currentTimeMillis() / 1000;
    }

    /** The {@code Last-Modified} value now. */
    public String lastModified() {
        return DateFormatter.format(new Date(lastModifiedSeconds * 1000));
    }

    /** The entity tag of a document's bytes: quoted, strong. */
    public static String etag(byte[] body) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(body);
            return "\"" + HexFormat.of().formatHex(d, 0, 16) + "\"";
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
     * The precondition of a write: null when it holds (or none was given), else why not. {@code current} gives the
     * tag of the resource as a GET shows it now, or null when there is none.
     */
    public String failedPrecondition(HttpHeaders request, java.util.function.Supplier<String> current) {
        String match = request.get(HttpHeaderNames.IF_MATCH);
        if (match != null) {
            String now = current.get();
            if (now == null || !(match.trim().equals("*") || listMatches(match, now))) {
                return "If-Match: the resource has changed since it was read (its ETag is now "
                        + (now == null ? "none, it does not exist" : now) + ")";
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

    private static Long date(String value) {
        if (value == null) {
            return null;
        }
        Date d = DateFormatter.parseHttpDate(value);
        return d == null ? null : d.getTime() / 1000;
    }
}
