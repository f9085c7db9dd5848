package io.gatehouse.filters.psreuse;

import io.gatehouse.api.ApiVersion;
import io.gatehouse.api.Maturity;
import io.gatehouse.api.ModuleDescriptor;
import io.gatehouse.api.ModuleKind;
import io.gatehouse.api.config.Params;
import io.gatehouse.api.filter.Filter;
import io.gatehouse.api.filter.FilterModule;
import io.gatehouse.api.filter.FilterSession;
import io.gatehouse.api.router.ClientInfo;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The psreuse module: within one client connection, a COM_STMT_PREPARE of SQL the connection prepared before is
 * answered with the earlier statement instead of preparing it on the servers again, and the client's COM_STMT_CLOSE
 * of such a statement leaves it open for the next prepare. It has no parameters. The filter is shared by every
 * worker thread, so its counters are adders; each session's cache is its own.
 */
public final class PsReuseModule implements FilterModule {
    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("psreuse", ModuleKind.FILTER,
            Maturity.BETA, ApiVersion.CURRENT, "Reuses identical prepared statements within a connection", "1.0.0",
            List.of());

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public void validate(Params params) {
    }

    @Override
    public Filter create(String name, Params params) {
        LongAdder reused = new LongAdder();
        LongAdder prepared = new LongAdder();
        return new Filter() {
            @Override
            public FilterSession newSession(ClientInfo client) {
                return new PsReuseSession(reused, prepared);
            }

            @Override
            public Map<String, Object> diagnostics() {
                return Map.of("prepares_reused", reused.sum(), "prepares_cached", prepared.sum());
            }
        };
    }
}
