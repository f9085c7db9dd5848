package io.gatehouse.admin.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.http.ApiRequest;
import io.gatehouse.admin.json.JsonApi;
import io.gatehouse.admin.logs.LogRing;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code GET /v1/maxscale/logs/entries} and {@code /logs/data}: the newest log entries, oldest first, as
 * {@code log_entry} resources (or the {@code log} list of one {@code log_data} resource) with MaxScale's attributes ({@code id}, {@code timestamp}, {@code priority}, {@code message}) plus the logger and
 * thread. {@code page[size]} limits the count (default 50), {@code page[cursor]} pages back from an id and
 * {@code priority} keeps some priorities only. Runs on the admin thread.
 */
public final class LogEntries {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    /** MaxScale's priority words for our levels, matching how the daemon maps MaxScale's log settings. */
    public static String priority(String level) {
        return switch (level) {
            case "ERROR" -> "error";
            case "WARN" -> "warning";
            case "INFO" -> "notice";
            case "DEBUG" -> "info";
            default -> "debug";
        };
    }

    /** {@code /logs/entries}: a collection of {@code log_entry} resources. */
    public ObjectNode entries(JsonApi api, ApiRequest r) {
        int size = parse(r.param("page[size]"), 50);
        List<ObjectNode> data = new ArrayList<>();
        for (ObjectNode attrs : select(r, size)) {
            ObjectNode res = api.resource(attrs.get("id").asText(), "log_entry", null);
            ((ObjectNode) res.get("attributes")).setAll(attrs);
            data.add(res);
        }
        ObjectNode doc = api.collection(data, "maxscale/logs/entries");
        links(api, doc, "maxscale/logs/entries", data.isEmpty() ? null : data.get(0).get("id").asText(), size);
        return doc;
    }

    /** {@code /logs/data} (MaxScale 6 and later): one {@code log_data} resource whose {@code log} lists the entries. */
    public ObjectNode data(JsonApi api, ApiRequest r) {
        int size = parse(r.param("page[size]"), 50);
        List<ObjectNode> entries = select(r, size);
        ObjectNode res = api.resource("log_data", "log_data", null);
        ObjectNode a = (ObjectNode) res.get("attributes");
        entries.forEach(a.putArray("log")::add);
        a.put("log_source", "gatehouse");
        ObjectNode doc = api.document(res, "maxscale/logs/data");
        links(api, doc, "maxscale/logs/data", entries.isEmpty() ? null : entries.get(0).get("id").asText(), size);
        return doc;
    }

    /** The newest {@code size} entries (before {@code page[cursor]}, of the wanted priorities), oldest first. */
    private static List<ObjectNode> select(ApiRequest r, int size) {
        LogRing ring = LogRing.install();
        long cursor = parse(r.param("page[cursor]"), 0);
        String filter = r.param("priority");
        Set<String> wanted = filter == null ? null : Set.of(filter.toLowerCase(Locale.ROOT).split(","));
        List<ObjectNode> out = new ArrayList<>();
        List<LogRing.Entry> entries = ring == null ? List.of() : ring.recent(wanted == null ? size : Integer.MAX_VALUE, cursor);
        for (LogRing.Entry e : entries) {
            String prio = priority(e.level());
            if (wanted != null && !wanted.contains(prio)) {
                continue;
            }
            out.add(json(e));
        }
        return out.size() > size ? out.subList(out.size() - size, out.size()) : out;
    }

    /** One entry as the {@code log} array of {@code /logs/data} and each message of {@code /logs/stream} show it. */
    public static ObjectNode json(LogRing.Entry e) {
        ObjectNode a = io.gatehouse.admin.json.Json.object();
        a.put("id", String.valueOf(e.id()));
        a.put("timestamp", TIME.format(Instant.ofEpochMilli(e.timestampMillis())));
        a.put("priority", priority(e.level()));
        a.put("message", e.message());
        a.put("module", e.logger());
        a.put("thread", e.thread());
        return a;
    }

    /** The priorities a {@code priority} parameter keeps, or null for all. */
    public static Set<String> priorities(String filter) {
        return filter == null ? null : Set.of(filter.toLowerCase(Locale.ROOT).split(","));
    }

    private static void links(JsonApi api, ObjectNode doc, String path, String oldestId, int size) {
        ObjectNode links = (ObjectNode) doc.get("links");
        links.put("last", api.base() + path + "/?page%5Bsize%5D=" + size);
        if (oldestId != null) {
            links.put("prev", api.base() + path + "/?page%5Bcursor%5D=" + oldestId + "&page%5Bsize%5D=" + size);
        }
    }

    private static int parse(String s, int dflt) {
        try {
            return s == null ? dflt : Math.max(1, Integer.parseInt(s));
        } catch (NumberFormatException e) {
            throw io.gatehouse.admin.http.ApiException.badRequest("page: '" + s + "' (expected: a number)");
        }
    }
}
