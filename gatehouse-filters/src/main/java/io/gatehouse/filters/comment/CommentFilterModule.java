package io.gatehouse.filters.comment;

import io.gatehouse.api.ApiVersion;
import io.gatehouse.api.Maturity;
import io.gatehouse.api.ModuleDescriptor;
import io.gatehouse.api.ModuleKind;
import io.gatehouse.api.config.ParamSpec;
import io.gatehouse.api.config.ParamType;
import io.gatehouse.api.config.Params;
import io.gatehouse.api.filter.Filter;
import io.gatehouse.api.filter.FilterModule;
import java.util.List;
import java.util.Map;

/**
 * The comment module: puts a configured SQL comment in front of every COM_QUERY statement, {@code $IP} replaced by
 * the client's address, so that the statement's origin shows in the server's general log, slow log and process
 * list. Stateless; its filters are immutable.
 */
public final class CommentFilterModule implements FilterModule {
    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("comment", ModuleKind.FILTER,
            Maturity.BETA, ApiVersion.CURRENT, "A comment filter that can inject comments in sql queries", "1.0.0",
            List.of(ParamSpec.required("inject", ParamType.STRING, true,
                    "The comment put before each statement, in quotes; $IP is replaced by the client's address")));

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public void validate(Params params) {
        comment(params);
    }

    @Override
    public Filter create(String name, Params params) {
        String inject = comment(params);
        return new Filter() {
            @Override
            public CommentSession newSession(io.gatehouse.api.router.ClientInfo client) {
                return new CommentSession(CommentSession.comment(inject, client.remote()));
            }

            @Override
            public Map<String, Object> diagnostics() {
                return Map.of("inject", inject);
            }
        };
    }

    /**
     * The comment text of {@code inject} without its quotes. MaxScale requires the quotes; a {@code *}{@code /} inside
     * would end the comment early and turn the rest into SQL, so it is refused.
     */
    static String comment(Params params) {
        String text = params.string("inject");
        String t = text.trim();
        if (t.length() < 2 || (t.charAt(0) != '"' && t.charAt(0) != '\'') || t.charAt(t.length() - 1) != t.charAt(0)) {
            throw new IllegalArgumentException("[" + params.section() + "] inject: '" + text
                    + "' (expected: a string enclosed in matching quotes, such as inject=\"IP=$IP\")");
        }
        String inner = t.substring(1, t.length() - 1);
        if (inner.contains("*/")) {
            throw new IllegalArgumentException("[" + params.section() + "] inject: '" + text
                    + "' (expected: comment text without */, which would end the comment)");
        }
        return inner;
    }
}
