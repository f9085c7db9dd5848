package io.gatehouse.cli.verbs;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.cli.Gatectl;
import io.gatehouse.cli.output.BoxTable;
import io.gatehouse.cli.output.JsonText;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code gatectl classify STATEMENT}: what the query classifier makes of one statement (parse result, type mask,
 * operation, WHERE clause, functions, tables, canonical form), read from {@code GET
 * /v1/maxscale/query_classifier/classify?sql=...} and printed as a two-column table. Runs on the command's thread.
 */
@Command(name = "classify", description = "Classify a statement with the query classifier")
public final class ClassifyCommand implements Runnable {
    @ParentCommand
    Gatectl gatectl;

    @Parameters(paramLabel = "STATEMENT", arity = "1..*", description = "The SQL statement (words are joined by spaces)")
    List<String> words;

    @Override
    public void run() {
        String sql = String.join(" ", words);
        String path = "maxscale/query_classifier/classify?sql=" + URLEncoder.encode(sql, StandardCharsets.UTF_8)
                .replace("+", "%20");
        gatectl.eachHost(c -> {
            JsonNode p = c.get(path).path("data").path("attributes").path("parameters");
            BoxTable t = new BoxTable(null);
            // maxctrl's rows; the tables read and written stay in the JSON (gatectl api get ...).
            String[][] rows = {{"Parse result", "parse_result"}, {"Type mask", "type_mask"}, {"Operation", "operation"},
                {"Has where clause", "has_where_clause"}, {"Fields", "fields"}, {"Functions", "functions"},
                {"Canonical", "canonical"}};
            for (String[] r : rows) {
                t.row(List.of(r[0], value(p.path(r[1]), gatectl.tsv() ? ", " : "\n")));
            }
            return gatectl.tsv() ? t.tsv() : t.render();
        });
    }

    /** Lists one item a line (joined by commas in TSV), a function as maxctrl prints it: {@code name: (arguments)}. */
    private static String value(JsonNode n, String sep) {
        if (!n.isArray()) {
            return n.isMissingNode() ? "" : JsonText.text(n);
        }
        List<String> items = new java.util.ArrayList<>();
        for (JsonNode e : n) {
            if (e.has("name")) {
                List<String> args = new java.util.ArrayList<>();
                e.path("arguments").forEach(a -> args.add(a.asText()));
                items.add(e.path("name").asText() + ": (" + String.join(", ", args) + ")");
            } else {
                items.add(e.asText());
            }
        }
        return String.join(sep, items);
    }
}
