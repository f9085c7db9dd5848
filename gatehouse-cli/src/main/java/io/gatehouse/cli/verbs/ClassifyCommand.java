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
            String[][] rows = {{"Parse result", "parse_result"}, {"Type mask", "type_mask"}, {"Operation", "operation"},
                {"Has where clause", "has_where_clause"}, {"Functions", "functions"}, {"Tables read", "tables_read"},
                {"Tables written", "tables_written"}, {"Canonical", "canonical"}};
            for (String[] r : rows) {
                t.row(List.of(r[0], value(p.path(r[1]))));
            }
            return gatectl.tsv() ? t.tsv() : t.render();
        });
    }

    /** Lists (functions are objects with a name, tables are strings) print as names joined by commas. */
    private static String value(JsonNode n) {
        if (!n.isArray()) {
            return JsonText.text(n);
        }
        List<String> names = new java.util.ArrayList<>();
        for (JsonNode e : n) {
            names.add(e.has("name") ? e.path("name").asText() : e.asText());
        }
        return String.join(", ", names);
    }
}
