package io.gatehouse.filters.optimistictrx;

import io.gatehouse.api.ApiVersion;
import io.gatehouse.api.Maturity;
import io.gatehouse.api.ModuleDescriptor;
import io.gatehouse.api.ModuleKind;
import io.gatehouse.api.config.Params;
import io.gatehouse.api.filter.Filter;
import io.gatehouse.api.filter.FilterModule;
import io.gatehouse.api.filter.FilterSession;
import io.gatehouse.api.filter.FilterSessionContext;
import io.gatehouse.api.router.ClientInfo;
import java.util.List;
import java.util.Map;

/**
 * The optimistictrx module: a transaction opened with {@code BEGIN} or {@code START TRANSACTION} runs as a read-only
 * one (so readwritesplit may put it on a replica) until its first write; then it is rolled back and its statements
 * run again where the write goes, and it only goes on if what they return matches what the client already got, as
 * with MaxScale's filter of the same name. It has no parameters. The filter is shared by every worker: its counters
 * are thread-safe; each session keeps its transaction's statements and result checksums ({@link OptimisticTrxSession}).
 */
public final class OptimisticTrxModule implements FilterModule {
    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("optimistictrx", ModuleKind.FILTER,
            Maturity.BETA, ApiVersion.CURRENT, "Runs transactions as read-only until they write", "1.0.0",
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
        TrxCounters counters = new TrxCounters();
        return new Filter() {
            @Override
            public FilterSession newSession(ClientInfo client) {
                throw new IllegalStateException(name + ": optimistictrx needs its session's context");
            }

            @Override
            public FilterSession newSession(ClientInfo client, FilterSessionContext context) {
                return new OptimisticTrxSession(context, counters);
            }

            @Override
            public Map<String, Object> diagnostics() {
                return counters.toMap();
            }
        };
    }
}
