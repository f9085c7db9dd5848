package io.gatehouse.routers.readconnroute;

import static io.gatehouse.api.server.ServerStatus.MAINTENANCE;
import static io.gatehouse.api.server.ServerStatus.MASTER;
import static io.gatehouse.api.server.ServerStatus.RUNNING;
import static io.gatehouse.api.server.ServerStatus.SLAVE;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.config.ParamSpec;
import io.gatehouse.api.config.Params;
import io.gatehouse.api.config.ValueParser;
import io.gatehouse.api.router.ClientInfo;
import io.gatehouse.api.router.RouterContext;
import io.gatehouse.api.server.ServerState;
import io.gatehouse.api.server.ServerView;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** readconnroute's choice of server for a new session, by role, lag, rank and load, as MaxScale documents it. */
class ReadConnRouteTest {
    /** A server with a fixed state, as a monitor would have published it. */
    private record Srv(String name, int status, long lag, boolean primaryRank, int connections) implements ServerView {
        public String address() {
            return "127.0.0.1";
        }

        public int port() {
            return 3306;
        }

        public String socket() {
            return null;
        }

        public ServerState state() {
            return ServerState.UNKNOWN.withStatus(status).withLag(lag);
        }

        public int currentConnections() {
            return connections;
        }
    }

    private static ServerView choose(Map<String, String> settings, ServerView... servers) {
        ReadConnRouteModule module = new ReadConnRouteModule();
        Map<String, Object> values = new HashMap<>();
        Map<String, String> texts = new HashMap<>();
        for (ParamSpec p : module.descriptor().parameters()) {
            String text = settings.getOrDefault(p.name(), p.defaultValue());
            values.put(p.name(), ValueParser.parse(p, text));
            texts.put(p.name(), text);
        }
        Params params = new Params("svc", values, texts);
        RouterContext ctx = new RouterContext() {
            public String serviceName() {
                return "svc";
            }

            public Params params() {
                return params;
            }

            public List<ServerView> targets() {
                return List.of(servers);
            }
        };
        return module.create(ctx).selectBackend(new ClientInfo(1, "app", "127.0.0.1", null));
    }

    private static final Srv PRIMARY = new Srv("p", MASTER | RUNNING, 0, true, 5);
    private static final Srv R1 = new Srv("r1", SLAVE | RUNNING, 1, true, 3);
    private static final Srv R2 = new Srv("r2", SLAVE | RUNNING, 20, true, 1);

    @Test
    void rolesFromRouterOptions() {
        assertThat(choose(Map.of("router_options", "master"), PRIMARY, R1, R2)).isSameAs(PRIMARY);
        assertThat(choose(Map.of("router_options", "slave"), PRIMARY, R1, R2)).isSameAs(R2);
        assertThat(choose(Map.of(), PRIMARY, R1, R2)).isSameAs(R2);     // running: the least loaded of all
    }

    @Test
    void lagRankAndMaintenanceExcludeOrDemote() {
        assertThat(choose(Map.of("router_options", "slave", "max_replication_lag", "10s"), PRIMARY, R1, R2))
                .isSameAs(R1);
        Srv secondary = new Srv("r3", SLAVE | RUNNING, 0, false, 0);
        assertThat(choose(Map.of("router_options", "slave"), PRIMARY, secondary, R1)).isSameAs(R1);
        Srv maint = new Srv("r4", SLAVE | RUNNING | MAINTENANCE, 0, true, 0);
        assertThat(choose(Map.of("router_options", "slave"), PRIMARY, maint, R1)).isSameAs(R1);
    }

    @Test
    void replicaServicesFallBackToThePrimaryUnlessItMayNotRead() {
        Srv down = new Srv("r1", 0, -1, true, 0);
        assertThat(choose(Map.of("router_options", "slave"), PRIMARY, down)).isSameAs(PRIMARY);
        assertThat(choose(Map.of("router_options", "slave", "master_accept_reads", "false"), PRIMARY, down)).isNull();
        assertThat(choose(Map.of("router_options", "master"), down)).isNull();
    }
}
