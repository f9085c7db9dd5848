package io.gatehouse.admin.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.AdminContext;
import io.gatehouse.admin.auth.AdminUsers;
import io.gatehouse.admin.http.ApiException;
import io.gatehouse.admin.json.Json;
import io.gatehouse.admin.json.JsonApi;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code /users/inet} resource: list, show, create ({@code POST} with {@code id}, {@code password},
 * {@code account}), change the password or account ({@code PATCH}) and delete admin users. Runs on the admin
 * thread; passwords are only ever stored hashed.
 */
public final class Users {
    private final AdminContext ctx;

    public Users(AdminContext ctx) {
        this.ctx = ctx;
    }

    public ObjectNode list(JsonApi api) {
        List<ObjectNode> all = new ArrayList<>();
        for (AdminUsers.AdminUser u : ctx.users().all()) {
            all.add(resource(api, u));
        }
        return api.collection(all, "users/inet");
    }

    public ObjectNode one(JsonApi api, String name) {
        AdminUsers.AdminUser u = ctx.users().get(name);
        if (u == null) {
            throw ApiException.notFound("user '" + name + "'");
        }
        return api.document(resource(api, u), "users/inet/" + name);
    }

    public void create(JsonNode body) {
        JsonNode data = body == null ? null : body.get("data");
        if (data == null || !data.path("id").isTextual()) {
            throw ApiException.badRequest("data.id: missing (expected: the user name)");
        }
        JsonNode attrs = data.path("attributes");
        if (!attrs.path("password").isTextual()) {
            throw ApiException.badRequest("data.attributes.password: missing (expected: a string)");
        }
        try {
            ctx.users().add(data.get("id").asText(), attrs.get("password").asText(), attrs.path("account").asText("basic"));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    public void update(String name, JsonNode body) {
        JsonNode attrs = body == null ? null : body.path("data").path("attributes");
        if (attrs == null || attrs.isMissingNode()) {
            throw ApiException.badRequest("data.attributes: missing (expected: password and/or account)");
        }
        if (ctx.users().get(name) == null) {
            throw ApiException.notFound("user '" + name + "'");
        }
        try {
            ctx.users().update(name, attrs.path("password").isTextual() ? attrs.get("password").asText() : null,
                    attrs.path("account").isTextual() ? attrs.get("account").asText() : null);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    public void delete(String name) {
        if (ctx.users().get(name) == null) {
            throw ApiException.notFound("user '" + name + "'");
        }
        try {
            ctx.users().remove(name);
        } catch (IllegalStateException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private ObjectNode resource(JsonApi api, AdminUsers.AdminUser u) {
        ObjectNode r = api.resource(u.name(), "inet", "users/inet/" + u.name());
        ObjectNode a = (ObjectNode) r.get("attributes");
        a.put("account", u.account());
        a.put("name", u.name());
        date(a, "created", u.created());
        date(a, "last_update", u.lastUpdate());
        date(a, "last_login", ctx.users().lastLogin(u.name()));
        return r;
    }

    private static void date(ObjectNode a, String key, Long millis) {
        if (millis == null) {
            a.putNull(key);
        } else {
            a.put(key, Json.date(millis));
        }
    }
}
