package io.gatehouse.admin.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.json.JsonApi;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GET /sql/odbc/drivers}: the ODBC drivers installed on this host as the unixODBC driver manager lists them in
 * {@code odbcinst.ini} (in {@code $ODBCSYSINI}, else {@code /etc}), answered in MaxScale's shape. Gatehouse runs no
 * ODBC connections itself, so this is only what the host has; a host without the file has no drivers. As MaxScale,
 * a driver is listed only when its {@code Driver} or {@code Driver64} library exists. Stateless; reads the file on
 * the admin thread (a small local file).
 */
public final class OdbcDrivers {
    private OdbcDrivers() {
    }

    /** The file the driver manager reads. */
    static Path file() {
        String dir = System.getenv("ODBCSYSINI");
        return Path.of(dir == null || dir.isEmpty() ? "/etc" : dir, "odbcinst.ini");
    }

    /** The drivers collection for {@code GET /sql/odbc/drivers}. */
    static ObjectNode list(JsonApi api) {
        return list(api, file());
    }

    /** The drivers {@code ini} declares, as a collection; an empty one when it does not exist or cannot be read. */
    public static ObjectNode list(JsonApi api, Path ini) {
        List<ObjectNode> drivers = new ArrayList<>();
        for (var e : sections(ini).entrySet()) {
            Map<String, String> attrs = e.getValue();
            if (!installed(attrs.get("driver")) && !installed(attrs.get("driver64"))) {
                continue;
            }
            ObjectNode r = api.resource(e.getKey(), "drivers", null);
            ObjectNode a = (ObjectNode) r.get("attributes");
            attrs.forEach(a::put);
            drivers.add(r);
        }
        return api.collection(drivers, "sql/odbc/drivers");
    }

    private static boolean installed(String library) {
        return library != null && !library.isEmpty() && Files.isRegularFile(Path.of(library));
    }

    /**
     * The sections of an ini file with their keys in lower case, in file order; the driver manager's own
     * {@code [ODBC]} section is not a driver and is left out.
     */
    private static Map<String, Map<String, String>> sections(Path ini) {
        Map<String, Map<String, String>> all = new LinkedHashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(ini, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return all;
        }
        Map<String, String> current = null;
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                String name = line.substring(1, line.length() - 1).strip();
                current = name.equalsIgnoreCase("ODBC") ? null : all.computeIfAbsent(name, n -> new LinkedHashMap<>());
                continue;
            }
            int eq = line.indexOf('=');
            if (current != null && eq > 0) {
                current.put(line.substring(0, eq).strip().toLowerCase(Locale.ROOT), line.substring(eq + 1).strip());
            }
        }
        return all;
    }
}
