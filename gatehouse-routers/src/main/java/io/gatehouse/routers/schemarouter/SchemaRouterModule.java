package io.gatehouse.routers.schemarouter;

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
import java.time.Duration;
import java.util.List;

/**
 * The schemarouter module: shows several servers holding different databases as one server and routes each
 * statement to the server that holds the databases and tables it names. Stateless and thread-safe; holds no
 * buffers.
 */
public final class SchemaRouterModule implements RouterModule {
    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("schemarouter", ModuleKind.ROUTER,
            Maturity.BETA, ApiVersion.CURRENT, "A database sharding router for simple sharding", "1.0.0", List.of(
                    ParamSpec.of("ignore_tables", ParamType.STRING, "", true,
                            "Comma-separated db.table names allowed on more than one server"),
                    ParamSpec.of("ignore_tables_regex", ParamType.REGEX, null, false,
                            "Tables (as db.table, a database alone as db.) matching this are allowed on more than"
                                    + " one server"),
                    ParamSpec.of("refresh_databases", ParamType.BOOL, "false", false,
                            "Map the servers again when USE names a database the map does not know and the map is"
                                    + " older than refresh_interval"),
                    ParamSpec.of("refresh_interval", ParamType.DURATION, "300s", true,
                            "How long a database map stays fresh"),
                    ParamSpec.of("max_staleness", ParamType.DURATION, "150s", true,
                            "How long other sessions may use a stale map while one session maps the servers again")));

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public void validate(Params params) {
        wholeSeconds(params, "refresh_interval");
        wholeSeconds(params, "max_staleness");
        for (String name : SchemaRouter.ignoredTables(params)) {
            int dot = name.indexOf('.');
            if (dot <= 0 || dot != name.lastIndexOf('.')) {
                throw new IllegalArgumentException("[" + params.section() + "] ignore_tables: '" + name
                        + "' (expected: a table name qualified with its database, such as db1.t1)");
            }
        }
    }

    /** MaxScale counts these in seconds and refuses a value it would have to round. */
    private static void wholeSeconds(Params params, String name) {
        Duration d = params.duration(name);
        if (d.isNegative() || d.toMillis() % 1000 != 0 || (name.equals("refresh_interval") && d.isZero())) {
            throw new IllegalArgumentException("[" + params.section() + "] " + name + ": '" + params.text(name)
                    + "' (expected: a whole number of seconds" + (name.equals("refresh_interval") ? ", at least 1s"
                    : "") + ")");
        }
    }

    @Override
    public Router create(RouterContext context) {
        return new SchemaRouter(context);
    }
}
