package io.gatehouse.filters.masking;

import io.gatehouse.api.ApiVersion;
import io.gatehouse.api.Maturity;
import io.gatehouse.api.ModuleDescriptor;
import io.gatehouse.api.ModuleKind;
import io.gatehouse.api.config.ParamSpec;
import io.gatehouse.api.config.ParamType;
import io.gatehouse.api.config.Params;
import io.gatehouse.api.filter.Filter;
import io.gatehouse.api.filter.FilterModule;
import io.gatehouse.api.filter.FilterSession;
import io.gatehouse.api.filter.FilterSessionContext;
import io.gatehouse.api.router.ClientInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The masking module: values of the columns its rules file names are replaced in result sets (text and binary
 * protocol) before they reach the client, and statements that would read them past the mask (through functions,
 * unions, subqueries or user variables) are refused, as with MaxScale's filter of the same name. The filter is
 * shared by every worker: its settings are immutable, its counters adders, and its rules one immutable set at a time
 * (the module command {@code reload} reads the file again and swaps the set; sessions take the new one at their next
 * statement); it holds no buffers.
 */
public final class MaskingFilterModule implements FilterModule {
    private static final Logger LOG = LoggerFactory.getLogger(MaskingFilterModule.class);
    static final String RELOAD = "reload";
    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("masking", ModuleKind.FILTER,
            Maturity.BETA, ApiVersion.CURRENT, "Masks the values of chosen columns in result sets", "1.0.0",
            List.of(ParamSpec.required("rules", ParamType.PATH, true, "The JSON file of masking rules"),
                    ParamSpec.oneOf("warn_type_mismatch", ParamType.ENUM, "never", true,
                            List.of("never", "always"),
                            "Whether to log a warning when a column to mask is not of a string type"),
                    ParamSpec.oneOf("large_payload", ParamType.ENUM, "abort", true, List.of("ignore", "abort"),
                            "What to do with a row of 16 MiB or more that holds a masked column: pass it unmasked "
                                    + "(ignore) or end the session (abort)"),
                    ParamSpec.of("prevent_function_usage", ParamType.BOOL, "true", true,
                            "Refuse statements that give a masked column to a function"),
                    ParamSpec.of("check_user_variables", ParamType.BOOL, "true", true,
                            "Refuse statements that define a user variable with a masked column"),
                    ParamSpec.of("check_unions", ParamType.BOOL, "true", true,
                            "Refuse statements with a masked column in the second or a later SELECT of a UNION"),
                    ParamSpec.of("check_subqueries", ParamType.BOOL, "true", true,
                            "Refuse statements with a masked column in a subquery"),
                    ParamSpec.of("require_fully_parsed", ParamType.BOOL, "true", true,
                            "With prevent_function_usage, refuse statements naming a masked column that the "
                                    + "classifier cannot read"),
                    ParamSpec.of("treat_string_arg_as_field", ParamType.BOOL, "true", true,
                            "Take a string argument of a function as a column name (as ANSI_QUOTES would)")));

    /** One filter's settings and rules, read once at creation. */
    record Settings(MaskingRules rules, boolean warnTypeMismatch, boolean abortLargePayload,
                    boolean preventFunctionUsage, boolean checkUserVariables, boolean checkUnions,
                    boolean checkSubqueries, boolean requireFullyParsed, boolean stringArgAsField) {
    }

    /** The filter's counters, shared by its sessions. */
    record Counters(LongAdder refused, LongAdder masked) {
    }

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public void validate(Params params) {
        settings(params);
    }

    @Override
    public Filter create(String name, Params params) {
        Settings settings = settings(params);
        Counters counters = new Counters(new LongAdder(), new LongAdder());
        String file = params.string("rules");
        // The rules in force: replaced whole by the reload command, read by sessions at each statement.
        AtomicReference<MaskingRules> current = new AtomicReference<>(settings.rules());
        return new Filter() {
            @Override
            public FilterSession newSession(ClientInfo client) {
                return newSession(client, null);
            }

            @Override
            public FilterSession newSession(ClientInfo client, FilterSessionContext context) {
                return new MaskingSession(name, settings, current::get, counters, client, context);
            }

            @Override
            public Map<String, Object> diagnostics() {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("rules", current.get().rules().size());
                d.put("statements_refused", counters.refused().sum());
                d.put("result_sets_masked", counters.masked().sum());
                return d;
            }

            @Override
            public List<String> commands() {
                return List.of(RELOAD);
            }

            /** {@code reload}: reads the rules file again; a bad file is refused and the rules in force stay. */
            @Override
            public Object call(String command, List<String> args) {
                if (!command.equals(RELOAD)) {
                    return Filter.super.call(command, args);
                }
                if (!args.isEmpty()) {
                    throw new IllegalArgumentException("reload: unexpected arguments " + args
                            + " (expected: only the filter's name)");
                }
                MaskingRules next = MaskingRules.load(name, file);
                current.set(next);
                LOG.info("{}: masking rules reloaded from {}: {} rules", name, file, next.rules().size());
                return Map.of("rules", next.rules().size());
            }
        };
    }

    static Settings settings(Params params) {
        MaskingRules rules = MaskingRules.load(params.section(), params.string("rules"));
        return new Settings(rules, params.string("warn_type_mismatch").equals("always"),
                params.string("large_payload").equals("abort"), params.bool("prevent_function_usage"),
                params.bool("check_user_variables"), params.bool("check_unions"), params.bool("check_subqueries"),
                params.bool("require_fully_parsed"), params.bool("treat_string_arg_as_field"));
    }
}
