package io.gatehouse.cli.verbs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.gatehouse.cli.CliException;
import io.gatehouse.cli.Gatectl;
import io.gatehouse.cli.output.JsonText;
import java.math.BigDecimal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code gatectl api post|patch RESOURCE JSON [--pretty]} send a raw document and print the answer (OK when it
 * has none). {@code gatectl api get RESOURCE [PATH] [--pretty] [--sum]}: the raw JSON of any admin API resource,
 * optionally narrowed by maxctrl's dotted path ({@code data[].attributes.state}: {@code name[]} maps the rest of the path over
 * an array, {@code name[2]} picks one element). Scripts use it for values no table shows. Runs on the command's
 * thread.
 */
@Command(name = "api", description = "Raw REST API access")
public final class ApiCommand {
    @ParentCommand
    Gatectl gatectl;

    @Command(name = "get", description = "Print the raw JSON of a resource, or of one path in it")
    void get(@Parameters(paramLabel = "RESOURCE") String resource,
            @Parameters(paramLabel = "PATH", arity = "0..1") String path,
            @Option(names = "--pretty", description = "Indent the output") boolean pretty,
            @Option(names = "--sum", description = "Print the sum of an array of numbers") boolean sum) {
        String r = resource.startsWith("/") ? resource.substring(1) : resource;
        String rel = r.startsWith("v1/") ? r.substring(3) : r;
        gatectl.eachHost(c -> {
            JsonNode n = c.get(rel);
            if (path != null && !path.isEmpty()) {
                n = select(n, path.split("\\."), 0);
            }
            if (sum) {
                n = JsonText.MAPPER.getNodeFactory().numberNode(sum(n));
            }
            if (n.isMissingNode()) {
                n = JsonText.MAPPER.getNodeFactory().nullNode();
            }
            return (pretty ? JsonText.pretty(n) : n.toString()).stripTrailing() + "\n";
        });
    }

    @Command(name = "post", description = "POST a JSON document to a resource and print the answer")
    void post(@Parameters(paramLabel = "RESOURCE") String resource, @Parameters(paramLabel = "VALUE") String value,
              @Option(names = "--pretty", description = "Indent the output") boolean pretty) {
        write("POST", resource, value, pretty);
    }

    @Command(name = "patch", description = "PATCH a resource with a JSON document and print the answer")
    void patch(@Parameters(paramLabel = "RESOURCE") String resource, @Parameters(paramLabel = "VALUE") String value,
               @Option(names = "--pretty", description = "Indent the output") boolean pretty) {
        write("PATCH", resource, value, pretty);
    }

    /** As maxctrl: VALUE must be JSON; the answer's JSON is printed, or OK when the API answers with no body. */
    private void write(String method, String resource, String value, boolean pretty) {
        JsonNode body;
        try {
            body = JsonText.MAPPER.readTree(value);
        } catch (java.io.IOException e) {
            throw new CliException("VALUE is not JSON: " + e.getMessage());
        }
        String r = resource.startsWith("/") ? resource.substring(1) : resource;
        String rel = r.startsWith("v1/") ? r.substring(3) : r;
        gatectl.eachHost(c -> {
            String answer = c.send(method, rel, body.toString());
            if (answer == null || answer.isBlank()) {
                return "OK\n";
            }
            JsonNode n = JsonText.parse(answer);
            return (pretty ? JsonText.pretty(n) : n.toString()).stripTrailing() + "\n";
        });
    }

    /** Follows {@code parts[i..]} from {@code n}; a {@code []} segment maps the remaining parts over the array. */
    static JsonNode select(JsonNode n, String[] parts, int i) {
        if (i == parts.length || n.isMissingNode()) {
            return n;
        }
        String p = parts[i];
        int bracket = p.indexOf('[');
        String name = bracket < 0 ? p : p.substring(0, bracket);
        JsonNode v = name.isEmpty() ? n : n.path(name);
        if (bracket < 0) {
            return select(v, parts, i + 1);
        }
        String index = p.substring(bracket + 1, p.length() - 1);
        if (!p.endsWith("]")) {
            throw new CliException("malformed path segment '" + p + "'");
        }
        if (index.isEmpty()) {
            ArrayNode out = JsonText.MAPPER.createArrayNode();
            for (JsonNode e : v) {
                JsonNode s = select(e, parts, i + 1);
                out.add(s.isMissingNode() ? JsonText.MAPPER.getNodeFactory().nullNode() : s);
            }
            return out;
        }
        try {
            return select(v.path(Integer.parseInt(index)), parts, i + 1);
        } catch (NumberFormatException e) {
            throw new CliException("path index '" + index + "' is not a number");
        }
    }

    private static BigDecimal sum(JsonNode n) {
        if (!n.isArray()) {
            throw new CliException("--sum needs the path to select an array of numbers");
        }
        BigDecimal total = BigDecimal.ZERO;
        for (JsonNode e : n) {
            if (!e.isNumber()) {
                throw new CliException("--sum needs numbers, found " + e);
            }
            total = total.add(e.decimalValue());
        }
        return total;
    }
}
