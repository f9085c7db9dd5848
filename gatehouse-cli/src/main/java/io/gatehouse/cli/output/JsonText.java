package io.gatehouse.cli.output;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * JSON as maxctrl shows it inside tables: four-space indentation and {@code "key": value}. Stateless.
 */
public final class JsonText {
    public static final ObjectMapper MAPPER = new ObjectMapper();
    private static final DefaultPrettyPrinter PRINTER;

    static {
        DefaultIndenter four = new DefaultIndenter("    ", "\n");
        PRINTER = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                .withObjectIndenter(four).withArrayIndenter(four);
    }

    private JsonText() {
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
            return MAPPER.writer(PRINTER).writeValueAsString(n);
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
