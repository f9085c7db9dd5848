package io.gatehouse.routers.readconnroute;

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

/** The readconnroute module: connection-level load balancing by server role. Stateless. */
public final class ReadConnRouteModule implements RouterModule {
    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("readconnroute", ModuleKind.ROUTER,
            Maturity.GA, ApiVersion.CURRENT, "A connection based router to load balance based on connections",
            "1.0.0", List.of(
                    ParamSpec.oneOf("router_options", ParamType.ENUM_MASK, "running", true,
                            List.of("master", "slave", "synced", "running"), "A comma separated list of server roles"),
                    ParamSpec.of("master_accept_reads", ParamType.BOOL, "true", true,
                            "Use the primary for reads when router_options does not name master"),
                    ParamSpec.of("max_replication_lag", ParamType.DURATION, "0s", true,
                            "Maximum acceptable replication lag; 0 ignores lag")));

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Router create(RouterContext context) {
        return new ReadConnRoute(context);
    }
}
