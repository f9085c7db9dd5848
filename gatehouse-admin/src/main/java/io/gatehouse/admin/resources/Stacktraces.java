package io.gatehouse.admin.resources;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.json.Json;
import java.util.Map;

/**
 * {@code GET /v1/maxscale/debug/stacktrace}, MaxScale's sampling resource that maxctrl's {@code debug stacktrace}
 * reads: the stack of every live thread of the process at this instant, each as a list of frames from the thread's
 * start to the frame running now ({@code attributes.profile}). Java frames need no demangling. Stateless; admin
 * thread.
 */
public final class Stacktraces {
    private Stacktraces() {
    }

    public static ObjectNode get() {
        ObjectNode doc = Json.object();
        ObjectNode data = doc.putObject("data");
        data.put("id", "stacktrace");
        data.put("type", "stacktrace");
        ArrayNode profile = data.putObject("attributes").putArray("profile");
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            StackTraceElement[] frames = e.getValue();
            if (frames.length == 0) {
                continue;
            }
            ArrayNode stack = profile.addArray();
            stack.add("thread " + e.getKey().getName());
            for (int i = frames.length - 1; i >= 0; i--) {
                stack.add(frames[i].toString());
            }
        }
        return doc;
    }
}
