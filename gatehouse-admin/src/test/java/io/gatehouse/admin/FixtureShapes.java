package io.gatehouse.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Compares a Gatehouse REST document with MaxScale 24.02's answer for the same resource: every attribute both have
 * must have the same JSON type and nesting (null on either side stands for "not set" and matches any type). Lists
 * are compared element by element against the reference's first element. Stateless; JUnit thread.
 */
final class FixtureShapes {
    private FixtureShapes() {
    }

    static JsonNode reference(String name) {
        try (InputStream in = FixtureShapes.class.getResourceAsStream("/maxscale-24.02/rest/" + name + ".json")) {
            if (in == null) {
                throw new AssertionError("missing reference " + name);
            }
            return AdminFixture.parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The places where {@code ours} differs in type from {@code ref}; empty when compatible. */
    static List<String> mismatches(JsonNode ref, JsonNode ours) {
        List<String> out = new ArrayList<>();
        compare("", ref, ours, out);
        return out;
    }

    private static void compare(String path, JsonNode ref, JsonNode ours, List<String> out) {
        if (ref.isNull() || ours.isNull()) {
            return;
        }
        if (kind(ref) != kind(ours)) {
            out.add(path + ": reference is " + ref.getNodeType() + ", Gatehouse answers " + ours.getNodeType());
            return;
        }
        if (ref.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = ours.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode r = ref.get(e.getKey());
                // Objects whose keys are names (parameters of other modules, diagnostics) only share some keys.
                if (r != null) {
                    compare(path + "/" + e.getKey(), r, e.getValue(), out);
                }
            }
        } else if (ref.isArray() && ref.size() > 0) {
            for (int i = 0; i < ours.size(); i++) {
                compare(path + "[" + i + "]", ref.get(0), ours.get(i), out);
            }
        }
    }

    private static String kind(JsonNode n) {
        if (n.isNumber()) {
            return "number";
        }
        return n.getNodeType().name();
    }

    /** True when {@code doc} has every pointer in {@code pointers}. */
    static List<String> missing(JsonNode doc, String... pointers) {
        List<String> out = new ArrayList<>();
        for (String p : pointers) {
            if (doc.at(p).isMissingNode()) {
                out.add(p);
            }
        }
        return out;
    }
}
