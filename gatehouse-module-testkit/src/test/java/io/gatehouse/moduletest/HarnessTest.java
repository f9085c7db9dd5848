package io.gatehouse.moduletest;

import io.gatehouse.api.command.Command;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import io.gatehouse.api.filter.RouteHint;
import io.gatehouse.api.reply.Reply;
import io.gatehouse.api.router.ClientInfo;
import io.gatehouse.api.router.Endpoint;
import io.gatehouse.api.router.Router;
import io.gatehouse.api.router.RouterContext;
import io.gatehouse.api.router.RouterModule;
import io.gatehouse.api.router.RouterSession;
import io.gatehouse.api.router.RouterSessionContext;
import io.gatehouse.api.server.ServerView;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The harnesses drive modules as the core does, and catch the mistakes module authors make. */
class HarnessTest {
    private static ModuleDescriptor describe(String name, ModuleKind kind, List<ParamSpec> params) {
        return new ModuleDescriptor(name, kind, Maturity.EXPERIMENTAL, new ApiVersion(ApiVersion.MAJOR,
                ApiVersion.MINOR), "test", "1.0", params);
    }

    /** A filter that releases the packet it was shown: the core would then use a freed buffer. */
    private static FilterModule releasingFilter() {
        return new FilterModule() {
            @Override
            public ModuleDescriptor descriptor() {
                return describe("releaser", ModuleKind.FILTER, List.of());
            }

            @Override
            public Filter create(String name, Params params) {
                return client -> (FilterSession) command -> {
                    command.packet().release();
                    return List.<RouteHint>of();
                };
            }
        };
    }

    @Test
    void aFilterThatReleasesWhatItDoesNotOwnFails() {
        FilterHarness h = FilterHarness.of(releasingFilter(), "F", Map.of(), FilterHarness.client("127.0.0.1"));
        h.query("SELECT 1");
        assertThatThrownBy(h::close).isInstanceOf(AssertionError.class).hasMessageContaining("refCnt 0");
    }

    @Test
    void parametersAreCheckedAgainstTheDescriptor() {
        ModuleDescriptor d = describe("p", ModuleKind.FILTER, List.of(ParamSpec.of("size", ParamType.COUNT, "5",
                true, "a count")));
        assertThat(ModuleParams.of(d, "S", Map.of()).integer("size")).isEqualTo(5);
        assertThatThrownBy(() -> ModuleParams.of(d, "S", Map.of("size", "many")))
                .hasMessageContaining("[S] size");
        assertThatThrownBy(() -> ModuleParams.of(d, "S", Map.of("colour", "red")))
                .hasMessageContaining("[S] colour: unknown parameter");
    }

    /** The smallest statement router: everything to the first target, replies straight to the client. */
    private static RouterModule firstTarget() {
        return new RouterModule() {
            @Override
            public ModuleDescriptor descriptor() {
                return describe("first", ModuleKind.ROUTER, List.of());
            }

            @Override
            public Router create(RouterContext context) {
                return new Router() {
                    @Override
                    public ServerView selectBackend(ClientInfo client) {
                        return null;
                    }

                    @Override
                    public RouterSession newSession(ClientInfo client) {
                        return new RouterSession() {
                            RouterSessionContext ctx;
                            Endpoint backend;

                            @Override
                            public void start(RouterSessionContext c) {
                                ctx = c;
                                backend = c.connect(c.targets().get(0));
                            }

                            @Override
                            public void routeQuery(Command command) {
                                backend.write(command.packet(), command.command());
                            }

                            @Override
                            public void clientReply(Endpoint from, ByteBuf buf, Reply reply) {
                                ctx.clientWrite(buf);
                                if (reply != null) {
                                    ctx.commandDone();
                                }
                            }

                            @Override
                            public void endpointReady(Endpoint endpoint, ByteBuf okPacket) {
                                ctx.loginDone(okPacket);
                            }

                            @Override
                            public void endpointFailed(Endpoint e, int code, String sqlState, String message) {
                                ctx.fail(code, sqlState, message);
                            }

                            @Override
                            public void close() {
                                backend.close();
                            }
                        };
                    }

                    @Override
                    public Map<String, Object> diagnostics() {
                        return Map.of();
                    }
                };
            }
        };
    }

    @Test
    void aStatementSessionGetsScriptedReplies() {
        RouterHarness h = RouterHarness.of(firstTarget(), "S", Map.of(), TestServer.primary("a"),
                TestServer.replica("b"));
        try (StatementSession s = h.open()) {
            assertThat(s.loggedIn()).isTrue();
            ScriptedEndpoint a = s.endpoint("a");
            a.answer(TestPackets.ok(s.alloc(), 1), TestPackets.resultSetReply(TestPackets.COM_QUERY, 3));
            s.query("SELECT * FROM t");
            s.query("DO 1");
            assertThat(a.received()).containsExactly("SELECT * FROM t", "DO 1");
            assertThat(s.endpoint("b")).isNull();
            assertThat(s.idle()).isTrue();
            assertThat(s.clientBytes()).hasSize(3);        // the login OK and two replies
        }
    }

    @Test
    void aConnectionRouterCannotOpenStatementSessions() {
        RouterModule m = new RouterModule() {
            @Override
            public ModuleDescriptor descriptor() {
                return describe("conn", ModuleKind.ROUTER, List.of());
            }

            @Override
            public Router create(RouterContext context) {
                return new Router() {
                    @Override
                    public ServerView selectBackend(ClientInfo client) {
                        return context.targets().get(0);
                    }

                    @Override
                    public Map<String, Object> diagnostics() {
                        return Map.of();
                    }
                };
            }
        };
        RouterHarness h = RouterHarness.of(m, "C", Map.of(), TestServer.primary("a"));
        assertThat(h.select().name()).isEqualTo("a");
        assertThatThrownBy(h::open).isInstanceOf(IllegalStateException.class);
    }
}
