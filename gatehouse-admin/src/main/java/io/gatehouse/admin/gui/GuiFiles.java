package io.gatehouse.admin.gui;

import io.gatehouse.admin.http.ApiException;
import io.gatehouse.admin.http.ApiResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves the web GUI's static files from this jar: {@code /} and {@code /gui/} answer the page, {@code /gui/<file>}
 * its scripts and styles, including the toolkit (Vue, Chart.js) that the build copies from their WebJars into
 * {@code io/gatehouse/admin/gui/vendor}. The files hold no data: the page logs in with {@code /v1/auth} and every
 * call it makes is authenticated by the admin API as usual. Runs on the admin event loop; files are read once
 * from the class path and kept (a few hundred KiB); no Netty buffers.
 */
public final class GuiFiles {
    private static final String ROOT = "io/gatehouse/admin/gui/";
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8");
    private final Map<String, String> cache = new ConcurrentHashMap<>();

    /** The file for the path segments after {@code gui} (empty: the page). */
    public ApiResponse get(List<String> rest) {
        String name = rest.isEmpty() ? "index.html" : String.join("/", rest);
        // Only plain names of this folder and vendor/: no way up the class path.
        if (!name.matches("(vendor/)?[A-Za-z0-9_.-]+") || name.contains("..")) {
            throw ApiException.notFound("GUI file '" + name + "'");
        }
        String ext = name.substring(name.lastIndexOf('.') + 1);
        String type = TYPES.get(ext);
        if (type == null) {
            throw ApiException.notFound("GUI file '" + name + "'");
        }
        String text = cache.computeIfAbsent(name, GuiFiles::load);
        if (text.isEmpty()) {
            throw ApiException.notFound("GUI file '" + name + "'");
        }
        return ApiResponse.text(200, text, type);
    }

    private static String load(String name) {
        try (InputStream in = GuiFiles.class.getClassLoader().getResourceAsStream(ROOT + name)) {
            return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the GUI file " + ROOT + name + ": " + e.getMessage(), e);
        }
    }
}
