package io.gatehouse.moduletest;

import io.gatehouse.api.config.Params;
import io.gatehouse.api.router.ClientInfo;
import io.gatehouse.api.router.Router;
import io.gatehouse.api.router.RouterContext;
import io.gatehouse.api.router.RouterModule;
import io.gatehouse.api.router.RouterSession;
import io.gatehouse.api.server.ServerView;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Creates a router the way Gatehouse's core does, over {@link TestServer}s whose states the test sets, and runs its
 * decisions without a network: {@link #select} for connection routers, {@link #open} for a scripted statement
 * session. Used from the test's thread; the router sees it as its worker thread.
 */
public final class RouterHarness {
    private final Router router;
    private final List<TestServer> servers;
    private final AtomicLong sessionIds = new AtomicLong();

    private RouterHarness(Router router, List<TestServer> servers) {
        this.router = router;
        this.servers = servers;
    }

    /**
     * Creates the router of a service named {@code service} from its router parameters (text values as in
     * {@code maxscale.cnf}; the module's defaults filled in) with {@code servers} as its targets.
     */
    public static RouterHarness of(RouterModule module, String service, Map<String, String> params,
                                   TestServer... servers) {
        Params p = ModuleParams.of(module.descriptor(), service, params);
        List<TestServer> targets = List.of(servers);
        Router router = module.create(new RouterContext() {
            @Override
            public String serviceName() {
                return service;
            }

            @Override
            public Params params() {
                return p;
            }

            @Override
            public List<ServerView> targets() {
                return List.copyOf(targets);
            }
        });
        return new RouterHarness(router, targets);
    }

    /** The router instance, for its diagnostics. */
    public Router router() {
        return router;
    }

    /** The servers given at creation. */
    public List<TestServer> servers() {
        return servers;
    }

    /** A connection router's choice for a new session of {@code app} from 127.0.0.1 (null: none qualifies). */
    public ServerView select() {
        return router.selectBackend(nextClient());
    }

    /** Opens a statement router's session; its backend connections are {@link ScriptedEndpoint}s. */
    public StatementSession open() {
        return open(e -> { });
    }

    /**
     * As {@link #open()}, calling {@code onConnect} with each endpoint as the router opens it, before it logs in, so
     * that the test can script the replies to what the router sends first (a query of session state, say).
     */
    public StatementSession open(Consumer<ScriptedEndpoint> onConnect) {
        ClientInfo client = nextClient();
        RouterSession rs = router.newSession(client);
        if (rs == null) {
            throw new IllegalStateException("the router is a connection router: use select()");
        }
        StatementSession s = new StatementSession(rs, client, List.copyOf(servers), onConnect);
        s.start();
        return s;
    }

    private ClientInfo nextClient() {
        return new ClientInfo(sessionIds.incrementAndGet(), "app", "127.0.0.1", null);
    }
}
