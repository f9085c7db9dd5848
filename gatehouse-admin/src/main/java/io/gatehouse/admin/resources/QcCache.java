package io.gatehouse.admin.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.AdminContext;
import io.gatehouse.admin.http.ApiException;
import io.gatehouse.admin.json.Json;
import io.gatehouse.admin.json.JsonApi;
import io.gatehouse.core.worker.ClassifierCacheView;
import io.gatehouse.sql.Classification;
import java.util.ArrayList;
import java.util.List;

/**
 * The query classifier's resources: {@code GET|PATCH /v1/maxscale/query_classifier} (its cache size) and
 * {@code GET /v1/maxscale/query_classifier/cache} (maxctrl's {@code show qc_cache}): every statement the workers'
 * classifier caches hold, with the lookups it answered and how it was classified, the most used first. Built on the
 * admin API's thread from copies each worker makes of its own cache; owns no buffers.
 */
public final class QcCache {
    private final AdminContext ctx;

    public QcCache(AdminContext ctx) {
        this.ctx = ctx;
    }

    /**
     * {@code GET /v1/maxscale/query_classifier}: the classifier's settings, as MaxScale shows them: {@code cache_size}
     * is the bytes all the workers' caches may hold together (query_classifier_cache_size, or its default share of
     * memory).
     */
    public ObjectNode properties(JsonApi api) {
        ObjectNode r = api.resource("query_classifier", "query_classifier", null);
        var workers = ctx.runtime().workers();
        long total = ctx.runtime().classifierCacheBytes() * (workers == null ? 1 : workers.inUse().size());
        ((ObjectNode) r.get("attributes")).putObject("parameters").put("cache_size", total);
        return api.document(r, "maxscale/query_classifier");
    }

    /**
     * {@code PATCH /v1/maxscale/query_classifier}: {@code cache_size} (a non-negative integer, as MaxScale checks)
     * is the global {@code query_classifier_cache_size}, changed and persisted as a PATCH of {@code /maxscale} does.
     */
    public void alter(JsonNode body) throws Exception {
        JsonNode params = body == null ? null : body.at("/data/attributes/parameters");
        if (params == null || !params.isObject()) {
            throw ApiException.badRequest("expected {\"data\": {\"attributes\": {\"parameters\": {\"cache_size\": N}}}}");
        }
        ObjectNode changed = Json.object();
        var it = params.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (!e.getKey().equals("cache_size")) {
                throw ApiException.badRequest("unknown query classifier parameter '" + e.getKey()
                        + "' (expected: cache_size)");
            }
            if (!e.getValue().isIntegralNumber() || e.getValue().asLong() < 0) {
                throw ApiException.badRequest("cache_size must be a non-negative integer, not " + e.getValue());
            }
            changed.put("query_classifier_cache_size", e.getValue().asLong());
        }
        ObjectNode patch = Json.object();
        patch.putObject("data").putObject("attributes").set("parameters", changed);
        new GlobalChanges(ctx.runtime()).alter(patch);
    }

    public ObjectNode list(JsonApi api) {
        List<ObjectNode> out = new ArrayList<>();
        for (ClassifierCacheView.Statement s : ClassifierCacheView.collect(ctx.runtime().workers().inUse())) {
            ObjectNode r = api.resource(s.sql(), "cache", null);
            r.remove("links");
            ObjectNode a = (ObjectNode) r.get("attributes");
            a.put("hits", s.hits());
            Classification c = s.classification();
            ObjectNode cl = a.putObject("classification");
            cl.put("canonical", c.canonical());
            cl.put("parse_result", c.isUnknown() ? "QC_QUERY_INVALID" : "QC_QUERY_PARSED");
            cl.put("type_mask", Classify.typeMask(c.typeMask()));
            cl.put("operation", "QUERY_OP_" + c.operation().name());
            out.add(r);
        }
        return api.collection(out, "maxscale/query_classifier/cache");
    }
}
