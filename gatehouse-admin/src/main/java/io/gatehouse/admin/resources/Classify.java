package io.gatehouse.admin.resources;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.http.ApiException;
import io.gatehouse.admin.json.JsonApi;
import io.gatehouse.sql.Classification;
import io.gatehouse.sql.Classifier;
import io.gatehouse.sql.QueryType;
import java.util.regex.Pattern;

/**
 * {@code GET /v1/maxscale/query_classifier/classify?sql=...}: what Gatehouse's SQL classifier makes of a statement,
 * in the shape of MaxScale 24.02's answer ({@code data.attributes} with the parse result, type mask, operation,
 * whether there is a WHERE clause, the functions called, the canonical form; what maxctrl's {@code classify}
 * prints), plus the tables read and written; the same again with the SQL under {@code data.attributes.parameters},
 * where older MaxScale versions (and gatectl) read them. Runs on the admin thread; the classifier is a pure function.
 */
public final class Classify {
    private static final Pattern WHERE = Pattern.compile("\\bwhere\\b", Pattern.CASE_INSENSITIVE);
    private final Classifier classifier = new Classifier();

    public ObjectNode get(JsonApi api, String sql) {
        if (sql == null) {
            throw ApiException.badRequest("sql: missing (expected: the statement to classify as ?sql=...)");
        }
        Classification c = classifier.classify(sql);
        ObjectNode res = api.resource("classify", "classify", null);
        ObjectNode p = ((ObjectNode) res.get("attributes")).putObject("parameters");
        p.put("sql", sql);
        p.put("parse_result", c.isUnknown() ? "QC_QUERY_INVALID" : "QC_QUERY_PARSED");
        p.put("type_mask", typeMask(c.typeMask()));
        p.put("operation", "QUERY_OP_" + c.operation().name());
        // The canonical form has literals replaced, so a "where" inside a string does not count.
        p.put("has_where_clause", WHERE.matcher(c.canonical()).find());
        ArrayNode functions = p.putArray("functions");
        for (String f : c.functions()) {
            // maxctrl prints each as name: (arguments); the classifier does not collect the columns used.
            ObjectNode fn = functions.addObject().put("name", f);
            fn.putArray("arguments");
        }
        ArrayNode read = p.putArray("tables_read");
        c.tablesRead().forEach(read::add);
        ArrayNode written = p.putArray("tables_written");
        c.tablesWritten().forEach(written::add);
        p.put("canonical", c.canonical());
        ObjectNode attributes = (ObjectNode) res.get("attributes");
        p.properties().forEach(e -> {
            if (!e.getKey().equals("sql")) {
                attributes.set(e.getKey(), e.getValue().deepCopy());
            }
        });
        return api.document(res, "maxscale/query_classifier/classify");
    }

    /** MaxScale writes each bit as {@code QUERY_TYPE_<NAME>} joined with {@code |}. */
    static String typeMask(int mask) {
        StringBuilder sb = new StringBuilder();
        for (String bit : QueryType.toString(mask).split("\\|")) {
            sb.append(sb.length() == 0 ? "" : "|").append("QUERY_TYPE_").append(bit);
        }
        return sb.toString();
    }
}
