package io.gatehouse.api;

/**
 * The version of this module API, checked when a module is loaded: a module built for another major version, or
 * for a newer minor version than the running Gatehouse has, is refused with a message naming the module, its
 * version and the supported range. Immutable; any thread.
 *
 * <p>A module records the version it was compiled against with {@code new ApiVersion(ApiVersion.MAJOR,
 * ApiVersion.MINOR)}: those two are compile-time constants, so the compiler copies their values into the module's
 * class file. ({@link #CURRENT} is an object read at run time, so a plugin that used it would always claim the
 * running version.)
 *
 * @param major incompatible changes
 * @param minor compatible additions
 */
public record ApiVersion(int major, int minor) {
    /** The major version of this API; a compile-time constant. */
    public static final int MAJOR = 2;
    /**
     * The minor version of this API; a compile-time constant. 1 added the filter hooks answer, delayNanos,
     * needsReplyPackets/replyPacket and sessionReset, the session context (timers, ending the session, branches);
     * 2 added the session context's runBefore (a filter's own statements, {@code InternalReply});
     * 3 added a filter's data directory (FilterModule.create with three arguments) and its editable documents
     * (Filter.documents, readDocument, writeDocument, removeFromDocument); 4 added FilterSession.answerLater (an
     * answer that waits for another process), a filter's module commands (Filter.commands, call), the router
     * session context's timer (RouterSessionContext.schedule) and per-session trace (RouterSessionContext.tracing,
     * traceDecision), a router's module commands (Router.commands, Router.call), the filters a router implies
     * (Router.impliedFilters) and the replication lag in milliseconds (ServerState.replicationLagMillis); 5 added
     * protocol modules (package {@code io.gatehouse.api.protocol}: ProtocolModule, Protocol, ListenerContext,
     * ClientConnection and the service sessions a protocol opens for its clients, ServiceSession with its
     * ServiceSessionListener and SessionLogin).
     */
    public static final int MINOR = 5;
    /** The API version this build of Gatehouse implements (read at run time). */
    public static final ApiVersion CURRENT = new ApiVersion(MAJOR, MINOR);

    /** True when a module built against {@code this} version can run on {@code runtime}. */
    public boolean runsOn(ApiVersion runtime) {
        return major == runtime.major && minor <= runtime.minor;
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
