package io.gatehouse.cli.output;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * JSON as maxctrl shows it inside tables (JavaScript's {@code JSON.stringify(v, null, 4)}): four-space indentation,
 * {@code "key": value}, {@code []} and {@code {}} when empty, whole numbers without a fraction. Stateless.
 */
public final class JsonText {
    public static final ObjectMapper MAPPER = new ObjectMapper();
    private static final DefaultPrettyPrinter PRINTER;

    static {
        DefaultIndenter four = new DefaultIndenter("    ", "\n");
        PRINTER = new Compact(new DefaultPrettyPrinter(Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                .withObjectIndenter(four).withArrayIndenter(four));
    }

    private JsonText() {
    }

    /** Jackson's pretty printer writes {@code [ ]} and {@code { }} for empty containers; JavaScript writes none. */
    private static final class Compact extends DefaultPrettyPrinter {
        Compact(DefaultPrettyPrinter base) {
            super(base);
        }

        @Override
        public Compact createInstance() {
            return new Compact(this);
        }

        @Override
        public void writeEndArray(com.fasterxml.jackson.core.JsonGenerator g, int values) throws java.io.IOException {
            if (values > 0) {
                super.writeEndArray(g, values);
            } else {
                if (!_arrayIndenter.isInline()) {
                    --_nesting;
                }
                g.writeRaw(']');
            }
        }

        @Override
        public void writeEndObject(com.fasterxml.jackson.core.JsonGenerator g, int entries) throws java.io.IOException {
            if (entries > 0) {
                super.writeEndObject(g, entries);
            } else {
                if (!_objectIndenter.isInline()) {
                    --_nesting;
                }
                g.writeRaw('}');
            }
        }
    }

    /** A copy with every whole floating-point number as an integer, as JavaScript prints 2.0 as 2. */
    private static JsonNode whole(JsonNode n) {
        if (n.isDouble() || n.isFloat()) {
            double d = n.doubleValue();
            return d == Math.rint(d) && Math.abs(d) < 9.007199254740992E15
                    ? com.fasterxml.jackson.databind.node.LongNode.valueOf((long) d) : n;
        }
        if (n.isObject()) {
            com.fasterxml.jackson.databind.node.ObjectNode o = MAPPER.createObjectNode();
            n.properties().forEach(e -> o.set(e.getKey(), whole(e.getValue())));
            return o;
        }
        if (n.isArray()) {
            com.fasterxml.jackson.databind.node.ArrayNode a = MAPPER.createArrayNode();
            n.forEach(x -> a.add(whole(x)));
            return a;
        }
        return n;
    }

    /** Parses a response body; an empty body is an empty object. */
    public static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return MAPPER.createObjectNode();
        }
        try {
            return MAPPER.readTree(body);
        } catch (java.io.IOException e) {
            throw new io.gatehouse.cli.CliException("the admin API answered something that is not JSON: " + e.getMessage());
        }
    }

    public static String pretty(JsonNode n) {
        if (n == null || n.isMissingNode()) {
            return "";
        }
        try {
            return MAPPER.writer(PRINTER).writeValueAsString(whole(n));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A scalar as text ({@code null} for JSON null, as maxctrl prints it); objects and arrays pretty-printed. */
    public static String text(JsonNode n) {
        if (n == null || n.isMissingNode()) {
            return "";
        }
        if (n.isNull()) {
            return "null";
        }
        return n.isValueNode() ? n.asText() : pretty(n);
    }
}
