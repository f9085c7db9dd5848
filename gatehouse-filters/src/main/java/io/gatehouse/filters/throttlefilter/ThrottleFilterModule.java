package io.gatehouse.filters.throttlefilter;

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

/**
 * The throttlefilter module: holds each session to about {@code max_qps} statements per second, measured over
 * {@code sampling_duration}, by delaying statements, and disconnects a session that stays throttled for longer than
 * {@code throttling_duration}, with MaxScale's parameters and defaults. Stateless; makes one {@link ThrottleFilter}
 * per section.
 */
public final class ThrottleFilterModule implements FilterModule {
    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("throttlefilter", ModuleKind.FILTER,
            Maturity.GA, ApiVersion.CURRENT, "Prevents high frequency querying from monopolizing the system", "1.0.0",
            List.of(
                    new ParamSpec("max_qps", ParamType.INTEGER, null, true, true, List.of(),
                            "The statements per second a session is held to, measured over sampling_duration"),
                    new ParamSpec("throttling_duration", ParamType.DURATION, null, true, true, List.of(),
                            "How long a session may stay throttled before it is disconnected (a bare number is ms)"),
                    ParamSpec.of("sampling_duration", ParamType.DURATION, "250ms", true,
                            "The window the statement rate is measured over (a bare number is ms)"),
                    ParamSpec.of("continuous_duration", ParamType.DURATION, "2000ms", true,
                            "Throttling ends when no statement was delayed for this long (a bare number is ms)")));

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public void validate(Params params) {
        ThrottleSettings.of(params);
    }

    @Override
    public Filter create(String name, Params params) {
        return new ThrottleFilter(name, ThrottleSettings.of(params), System::nanoTime);
    }
}
