package io.gatehouse.protocols.nosql.sql;

import io.gatehouse.protocols.nosql.NosqlException;
import org.bson.BsonDocument;
import org.bson.BsonValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Translates a MongoDB sort specification into an ORDER BY clause. Values of different JSON types order by type
 * first (missing and null, numbers, strings, objects, arrays, booleans, as MongoDB does), numbers numerically and
 * strings byte-wise. Stateless; any thread.
 */
public final class SortSql {
    private SortSql() {
    }

    /** The {@code ORDER BY ...} clause with a leading space, or an empty string for no sort. */
    public static String orderBy(BsonDocument sort) {
        if (sort == null || sort.isEmpty()) {
            return "";
        }
        List<String> keys = new ArrayList<>();
        for (Map.Entry<String, BsonValue> e : sort.entrySet()) {
            BsonValue dir = e.getValue();
            if (!dir.isNumber() || (dir.asNumber().intValue() != 1 && dir.asNumber().intValue() != -1)) {
                throw NosqlException.badValue("$sort key ordering must be 1 (for ascending) or -1 (for descending)");
            }
            String order = dir.asNumber().intValue() == 1 ? " ASC" : " DESC";
            String x = SqlText.extract(e.getKey());
            String v = "JSON_VALUE(doc, " + SqlText.path(e.getKey()) + ")";
            keys.add("CASE JSON_TYPE(" + x + ") WHEN 'NULL' THEN 1 WHEN 'INTEGER' THEN 2 WHEN 'DOUBLE' THEN 2"
                    + " WHEN 'DECIMAL' THEN 2 WHEN 'STRING' THEN 3 WHEN 'OBJECT' THEN 4 WHEN 'ARRAY' THEN 5"
                    + " WHEN 'BOOLEAN' THEN 6 ELSE 0 END" + order);
            keys.add("IF(JSON_TYPE(" + x + ") IN ('INTEGER','DOUBLE','DECIMAL'), CAST(" + v + " AS DOUBLE), NULL)" + order);
            keys.add("BINARY IFNULL(" + v + ", JSON_COMPACT(" + x + "))" + order);
        }
        return " ORDER BY " + String.join(", ", keys);
    }
}
