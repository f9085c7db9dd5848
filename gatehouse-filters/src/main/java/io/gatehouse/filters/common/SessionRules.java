package io.gatehouse.filters.common;

import io.gatehouse.api.config.Params;
import io.gatehouse.api.router.ClientInfo;
import java.util.regex.Pattern;

/**
 * Which sessions a filter acts on, by client user and source address: MaxScale's {@code user} and {@code source}
 * (exact names, which win) and, for filters that have them, {@code user_match}, {@code user_exclude},
 * {@code source_match} and {@code source_exclude}. Immutable and thread-safe.
 */
public record SessionRules(String user, String source, Pattern userMatch, Pattern userExclude, Pattern sourceMatch,
                           Pattern sourceExclude) {
    /** Reads the rules of a validated section; parameters the filter does not declare count as unset. */
    public static SessionRules of(Params params) {
        int flags = 0;
        return new SessionRules(text(params, "user"), text(params, "source"),
                StatementRules.pattern(params, "user_match", flags), StatementRules.pattern(params, "user_exclude", flags),
                StatementRules.pattern(params, "source_match", flags),
                StatementRules.pattern(params, "source_exclude", flags));
    }

    private static String text(Params params, String name) {
        String v = params.string(name);
        return v == null ? "" : QuotedText.unquote(v);
    }

    /** True when the filter acts on the session of {@code client}. */
    public boolean covers(ClientInfo client) {
        String remote = client.remote() == null ? "" : client.remote();
        String name = client.user() == null ? "" : client.user();
        boolean hostOk = !source.isEmpty() ? remote.equals(source)
                : (sourceMatch == null || sourceMatch.matcher(remote).find())
                && (sourceExclude == null || !sourceExclude.matcher(remote).find());
        boolean userOk = !user.isEmpty() ? name.equals(user)
                : (userMatch == null || userMatch.matcher(name).find())
                && (userExclude == null || !userExclude.matcher(name).find());
        return hostOk && userOk;
    }
}
