/**
 * The module API of Gatehouse: what a plugin module implements and what the core offers it. Built-in modules
 * (readwritesplit, readconnroute, hintfilter, mariadbmon) use exactly this API and nothing else.
 *
 * <h2>Modules and descriptors</h2>
 * A module is a class implementing {@link io.gatehouse.api.Module} through one of its kinds
 * ({@link io.gatehouse.api.router.RouterModule}, {@link io.gatehouse.api.filter.FilterModule},
 * {@link io.gatehouse.api.monitor.MonitorModule}), listed in {@code META-INF/services/io.gatehouse.api.Module} of
 * its jar. Its {@link io.gatehouse.api.ModuleDescriptor} gives the name used in {@code maxscale.cnf}, the kind,
 * the {@link io.gatehouse.api.Maturity}, the {@link io.gatehouse.api.ApiVersion} it was compiled against and the
 * {@link io.gatehouse.api.config.ParamSpec}s of its parameters; the core parses and checks every parameter
 * against them before the module sees a value, and calls {@link io.gatehouse.api.Module#validate} for rules
 * between parameters.
 *
 * <h2>Instances and sessions</h2>
 * A module makes one instance per configuration section that names it (a {@link io.gatehouse.api.router.Router}
 * per service, a {@link io.gatehouse.api.filter.Filter} per filter section, a
 * {@link io.gatehouse.api.monitor.Monitor} per monitor). Instances are shared by every worker thread and must be
 * thread-safe. Routers and filters then make one session object per client session
 * ({@link io.gatehouse.api.router.RouterSession}, {@link io.gatehouse.api.filter.FilterSession}); a session is
 * confined to the worker thread (event loop) that accepted its client and must never block it: no blocking I/O,
 * no locks held across calls, no sleeping.
 *
 * <h2>Commands</h2>
 * Each client command reaches the filters and then the router as one {@link io.gatehouse.api.command.Command}: its
 * packet, command byte, sequence number, the hints filters attached and the classification of its SQL, computed at
 * most once per command with the session's {@link io.gatehouse.api.command.SessionSqlState} (sql_mode, server
 * versions). The classification type is {@code io.gatehouse.sql.Classification} from {@code gatehouse-sql}, a
 * pure-JDK library that is part of this API. Command bytes are named once, in
 * {@link io.gatehouse.api.command.CommandCodes}.
 *
 * <h2>Buffers</h2>
 * Packets are Netty {@link io.netty.buffer.ByteBuf}s holding whole protocol packets, 4-byte header included. Each
 * method says who owns the buffers it passes: a callee that owns a buffer forwards it (ownership moves on) or
 * releases it exactly once; a callee that is only shown a buffer neither releases nor keeps it. Gatehouse's tests
 * run with Netty's paranoid leak detection and fail on a leak; the {@code gatehouse-module-testkit} harnesses check
 * the same for plugins.
 *
 * <h2>Replies and whole result sets</h2>
 * Backend bytes reach a statement router as they arrive, in as many pieces as the network delivers; the reply
 * tracker of the connection parses them once and hands over a {@link io.gatehouse.api.reply.Reply} with the piece
 * that completes the reply. A router that needs a whole result set before it decides (to rewrite or to retry it)
 * declares it by keeping the pieces until that call, instead of forwarding them; a filter that needs the outcome of
 * each command implements {@link io.gatehouse.api.filter.FilterSession#clientReply}.
 *
 * <h2>Diagnostics and admin commands</h2>
 * {@link io.gatehouse.api.router.Router#diagnostics}, {@link io.gatehouse.api.router.RouterSession#diagnostics},
 * {@link io.gatehouse.api.filter.Filter#diagnostics} and {@link io.gatehouse.api.monitor.Monitor#diagnostics}
 * appear in the REST API ({@code router_diagnostics}, {@code filter_diagnostics}, {@code monitor_diagnostics}).
 * A monitor registers admin commands by naming them in {@link io.gatehouse.api.monitor.Monitor#commands} and
 * running them in {@link io.gatehouse.api.monitor.Monitor#call}; they are served as
 * {@code POST /v1/maxscale/modules/MODULE/COMMAND} and by {@code gatectl call command}; a router does the same with
 * {@link io.gatehouse.api.router.Router#commands} and {@link io.gatehouse.api.router.Router#call}, its first
 * argument naming the service.
 *
 * <h2>Versions</h2>
 * {@link io.gatehouse.api.ApiVersion} follows semantic rules: a new minor version only adds (default methods,
 * new types), a new major version may break. A module runs on the same major version and the same or a newer
 * minor version than it was compiled against; any other is refused at load with its name, its version and the
 * supported range.
 */
package io.gatehouse.api;
