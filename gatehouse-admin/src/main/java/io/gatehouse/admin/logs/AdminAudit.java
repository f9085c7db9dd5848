package io.gatehouse.admin.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.api.config.Params;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API's audit file ({@code admin_audit}, {@code admin_audit_file}, {@code admin_audit_exclude_methods},
 * all changeable at runtime): one CSV row per request with the time, how long it took, the user, the client, the URI,
 * the method, the status and the request body with passwords hidden, under a header line written when the file is
 * new. A request whose method is excluded is still written when its authentication failed, so that failed attempts
 * are never out of the record. Called on the admin threads; appends are serialised here. No buffers.
 */
public final class AdminAudit {
    private static final Logger LOG = LoggerFactory.getLogger(AdminAudit.class);
    /** The HTTP methods admin_audit_exclude_methods may name. */
    public static final List<String> METHODS = List.of("GET", "PUT", "POST", "PATCH", "DELETE", "HEAD", "OPTIONS",
            "CONNECT", "TRACE");
    private static final String HEADER = "Timestamp,Duration,User,Host,URI,Method,Status,Response code,Body\n";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);
    private static final Set<String> SECRETS = Set.of("password", "old_password", "monitorpw", "replication_password",
            "admin_jwt_key");
    private boolean reportedFailure;

    /** One request as the audit needs it. */
    public record Entry(String user, String client, String uri, String method, int status, long micros,
                        JsonNode body, boolean authFailed) {
    }

    /** The file of {@code admin_audit_file}, or {@code logdir/admin_audit.csv} when unset. */
    public static Path file(Params global) {
        String f = global.has("admin_audit_file") ? global.string("admin_audit_file") : null;
        return f == null || f.isBlank() ? Path.of(global.string("logdir"), "admin_audit.csv") : Path.of(f);
    }

    /** The methods of {@code admin_audit_exclude_methods}, upper case; throws naming a method that is not one. */
    public static Set<String> excluded(String value) {
        if (value == null || value.isBlank()) {
            return Set.of();
        }
        java.util.HashSet<String> out = new java.util.HashSet<>();
        for (String m : value.split(",")) {
            String t = m.trim().toUpperCase(Locale.ROOT);
            if (t.isEmpty()) {
                continue;
            }
            if (!METHODS.contains(t)) {
                throw new IllegalArgumentException("'" + m.trim() + "' is not one of " + String.join(", ", METHODS));
            }
            out.add(t);
        }
        return out;
    }

    /** Writes the row of {@code e} when {@code global} (as it is now) asks for an audit. */
    public synchronized void record(Params global, Entry e) {
        if (!global.has("admin_audit") || !global.bool("admin_audit")) {
            return;
        }
        if (!e.authFailed() && excluded(global.has("admin_audit_exclude_methods")
                ? global.string("admin_audit_exclude_methods") : null).contains(e.method())) {
            return;
        }
        Path file = file(global);
        HttpResponseStatus status = HttpResponseStatus.valueOf(e.status());
        String row = String.join(",", csv(LocalDateTime.now().format(TIME)),
                csv(String.format(Locale.ROOT, "%.3fms", e.micros() / 1000.0)), csv(e.user() == null ? "" : e.user()),
                csv(e.client()), csv(e.uri()), csv(e.method()), csv(status.reasonPhrase()),
                csv(String.valueOf(e.status())), csv(e.body() == null ? "" : hidden(e.body().deepCopy()).toString()))
                + "\n";
        try {
            boolean fresh = !Files.exists(file) || Files.size(file) == 0;
            Files.writeString(file, fresh ? HEADER + row : row, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            reportedFailure = false;
        } catch (IOException ex) {
            if (!reportedFailure) {
                // Once per outage: a full disk must not turn every admin request into a log line.
                reportedFailure = true;
                LOG.error("Admin API: cannot write the audit file {}: {}", file, ex.toString());
            }
        }
    }

    private static JsonNode hidden(JsonNode n) {
        if (n instanceof ObjectNode o) {
            Iterator<Map.Entry<String, JsonNode>> it = o.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> f = it.next();
                if (SECRETS.contains(f.getKey()) && f.getValue().isValueNode()) {
                    f.setValue(o.textNode("*****"));
                } else {
                    hidden(f.getValue());
                }
            }
        } else if (n != null && n.isArray()) {
            n.forEach(AdminAudit::hidden);
        }
        return n;
    }

    private static String csv(String v) {
        return "\"" + v.replace("\"", "\"\"") + "\"";
    }
}
