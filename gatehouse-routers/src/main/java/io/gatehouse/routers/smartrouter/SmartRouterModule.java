package io.gatehouse.routers.smartrouter;

import io.gatehouse.api.ApiVersion;
import io.gatehouse.api.Maturity;
import io.gatehouse.api.ModuleDescriptor;
import io.gatehouse.api.ModuleKind;
import io.gatehouse.api.config.ParamSpec;
import io.gatehouse.api.config.ParamType;
import io.gatehouse.api.config.Params;
import io.gatehouse.api.router.Router;
import io.gatehouse.api.router.RouterContext;
import io.gatehouse.api.router.RouterModule;
import java.util.List;

/**
 * The smartrouter module: writes, transactions and session state go to the {@code master} target; each read goes
 * to the target that answered its statement shape (canonical form) first when all targets were last asked, as
 * MaxScale's smartrouter does. Stateless and thread-safe; holds no buffers.
 */
public final class SmartRouterModule implements RouterModule {
    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("smartrouter", ModuleKind.ROUTER,
            Maturity.BETA, ApiVersion.CURRENT, "Routes each read to the target that answers its kind fastest",
            "1.0.0", List.of(
                    ParamSpec.required("master", ParamType.TARGET, false,
                            "The target that takes writes, transactions and session commands; one of the targets")));

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public void validate(Params params) {
        String key = params.has("targets") ? "targets" : params.has("servers") ? "servers" : null;
        String master = params.string("master");
        if (key != null && params.list(key).stream().noneMatch(t -> t.equals(master))) {
            throw new IllegalArgumentException("[" + params.section() + "] master: '" + master + "' (expected: one"
                    + " of the service's " + key + ": " + String.join(", ", params.list(key)) + ")");
        }
    }

    @Override
    public Router create(RouterContext context) {
        return new SmartRouter(context);
    }
}
