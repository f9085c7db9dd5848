package io.gatehouse.examples.roundrobin;

import io.gatehouse.api.ApiVersion;
import io.gatehouse.api.Maturity;
import io.gatehouse.api.ModuleDescriptor;
import io.gatehouse.api.ModuleKind;
import io.gatehouse.api.config.ParamSpec;
import io.gatehouse.api.config.ParamType;
import io.gatehouse.api.router.Router;
import io.gatehouse.api.router.RouterContext;
import io.gatehouse.api.router.RouterModule;
import java.util.List;

/**
 * The {@code roundrobin} router module: gives each new client connection to the next usable server of the
 * service in turn. A connection router, so Gatehouse streams each session's packets to the server chosen here
 * without the router touching a buffer. Stateless; created once at start, called from any thread.
 */
public final class RoundRobinRouterModule implements RouterModule {
    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("roundrobin", ModuleKind.ROUTER,
            Maturity.EXPERIMENTAL, new ApiVersion(ApiVersion.MAJOR, ApiVersion.MINOR),
            "Gives each new connection to the next running server in turn", "1.0.0",
            List.of(ParamSpec.of("include_primary", ParamType.BOOL, "true", true,
                    "Whether the primary takes its turn too (false: replicas only)")));

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Router create(RouterContext context) {
        return new RoundRobinRouter(context);
    }
}
