package io.gatehouse.filters.maxrows;

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
import io.gatehouse.api.router.ClientInfo;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The maxrows module: a result set with more rows than {@code max_resultset_rows} or more bytes than
 * {@code max_resultset_size} does not reach the client; it gets an empty result set, an error or an OK packet instead
 * ({@code max_resultset_return}), as with MaxScale's filter of the same name. The filter is shared by every worker,
 * so its settings are immutable and its counters adders; each session holds at most one result set's worth of
 * packets up to the limits.
 */
public final class MaxRowsModule implements FilterModule {
    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("maxrows", ModuleKind.FILTER,
            Maturity.BETA, ApiVersion.CURRENT, "Limits the number of rows a result set may have", "1.0.0",
            List.of(ParamSpec.of("max_resultset_rows", ParamType.INTEGER, "-1", true,
                            "The most rows a result set may have to reach the client; 0 or less is no limit"),
                    ParamSpec.of("max_resultset_size", ParamType.SIZE, "64Ki", true,
                            "The most bytes a result set may have to reach the client"),
                    ParamSpec.oneOf("max_resultset_return", ParamType.ENUM, "empty", true,
                            List.of("empty", "error", "ok"),
                            "What the client gets instead of a result set over a limit"),
                    ParamSpec.of("debug", ParamType.INTEGER, "0", true,
                            "Log bits: 1 logs what happens to each result set, 2 logs each limit hit")));

    /** What replaces a result set over a limit. */
    enum Return { EMPTY, ERROR, OK }

    /** One filter's settings, read once at creation. */
    record Settings(long maxRows, long maxSize, Return mode, int debug) {
        boolean logsEachResult() {
            return (debug & 1) != 0;
        }

        boolean logsLimits() {
            return (debug & 2) != 0;
        }
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
        LongAdder replaced = new LongAdder();
        return new Filter() {
            @Override
            public FilterSession newSession(ClientInfo client) {
                return new MaxRowsSession(name, settings, client, replaced);
            }

            @Override
            public Map<String, Object> diagnostics() {
                return Map.of("max_resultset_rows", settings.maxRows(), "max_resultset_size", settings.maxSize(),
                        "max_resultset_return", settings.mode().name().toLowerCase(java.util.Locale.ROOT),
                        "results_replaced", replaced.sum());
            }
        };
    }

    static Settings settings(Params params) {
        long debug = params.integer("debug");
        if (debug < 0 || debug > 3) {
            throw new IllegalArgumentException("[" + params.section() + "] debug: " + debug
                    + " (expected: a bit set of 1 and 2, from 0 to 3)");
        }
        Return mode = Return.valueOf(params.string("max_resultset_return").toUpperCase(java.util.Locale.ROOT));
        return new Settings(params.integer("max_resultset_rows"), params.size("max_resultset_size"), mode,
                (int) debug);
    }
}
