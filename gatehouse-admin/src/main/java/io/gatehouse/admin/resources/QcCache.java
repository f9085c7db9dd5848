package io.gatehouse.admin.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.AdminContext;
import io.gatehouse.admin.json.JsonApi;
import io.gatehouse.core.worker.ClassifierCacheView;
import io.gatehouse.sql.Classification;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /v1/maxscale/query_classifier/cache} (maxctrl's {@code show qc_cache}): every statement the workers'
 * classifier caches hold, with the lookups it answered and how it was classified, the most used first. Built on the
 * admin API's thread from copies each worker makes of its own cache; owns no buffers.
 */
public final class QcCache {
    private final AdminContext ctx;

    public QcCache(AdminContext ctx) {
        this.ctx = ctx;
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
