package io.gatehouse.filters.qlafilter;

import io.gatehouse.api.config.Params;
import io.gatehouse.filters.common.QuotedText;
import io.gatehouse.filters.common.SessionRules;
import io.gatehouse.filters.common.StatementRules;
import java.util.EnumSet;
import java.util.Set;

/**
 * The validated settings of one qlafilter section, read once from its parameters. Immutable and thread-safe.
 *
 * @param filebase           the path prefix of the log files
 * @param sessionFiles       {@code log_type} has {@code session}: one file per session, {@code filebase.ID}
 * @param unifiedFile        {@code log_type} has {@code unified}: one file for all sessions, {@code filebase.unified}
 * @param stdout             {@code log_type} has {@code stdout}
 * @param fields             {@code log_data}
 * @param statements         {@code match}, {@code exclude}, {@code options}
 * @param sessions           {@code user}, {@code source} and their pattern forms
 * @param microseconds       {@code duration_unit} is microseconds (else milliseconds)
 * @param canonical          {@code use_canonical_form}
 * @param flush              {@code flush}
 * @param append             {@code append}
 * @param separator          {@code separator}, quotes removed
 * @param newlineReplacement {@code newline_replacement}, quotes removed; empty keeps newlines
 */
record QlaSettings(String filebase, boolean sessionFiles, boolean unifiedFile, boolean stdout, Set<LogField> fields,
                   StatementRules statements, SessionRules sessions, boolean microseconds, boolean canonical,
                   boolean flush, boolean append, String separator, String newlineReplacement) {

    static QlaSettings of(Params p) {
        Set<String> types = p.mask("log_type");
        String unit = p.string("duration_unit");
        return new QlaSettings(QuotedText.unquote(p.string("filebase")), types.contains("session"),
                types.contains("unified"), types.contains("stdout"), LogField.of(p.mask("log_data")),
                StatementRules.of(p), SessionRules.of(p), unit.equals("us") || unit.equals("microseconds"),
                p.bool("use_canonical_form"), p.bool("flush"), p.bool("append"),
                QuotedText.unquote(p.string("separator")), QuotedText.unquote(p.string("newline_replacement")));
    }

    /** The fields of a per-session file: the session id is in the file's name, so not on its lines. */
    Set<LogField> sessionFileFields() {
        EnumSet<LogField> f = fields.isEmpty() ? EnumSet.noneOf(LogField.class) : EnumSet.copyOf(fields);
        f.remove(LogField.SESSION);
        return f;
    }

    /** True when a statement's transaction role (BEGIN, COMMIT, ROLLBACK) must be known. */
    boolean needsTransaction() {
        return fields.contains(LogField.TRANSACTION) || fields.contains(LogField.TRANSACTION_TIME);
    }
}
