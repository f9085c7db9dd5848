package io.gatehouse.admin.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.json.Json;
import io.gatehouse.core.runtime.Runtime;
import java.nio.file.Path;

/**
 * The {@code source} attribute of an object: the file it was defined in and whether it came from the static
 * configuration or from a runtime change persisted in {@code persistdir}. Stateless; admin thread.
 */
final class Sources {
    private Sources() {
    }

    static ObjectNode of(Runtime rt, String name) {
        ObjectNode o = Json.object();
        Path persisted = rt.persistedFile(name);
        if (persisted != null) {
            o.put("file", persisted.toString());
            o.put("type", "runtime");
        } else {
            o.put("file", String.valueOf(rt.config().source()));
            o.put("type", "static");
        }
        return o;
    }
}
