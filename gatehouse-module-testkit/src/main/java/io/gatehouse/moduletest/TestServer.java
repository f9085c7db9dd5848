package io.gatehouse.moduletest;

import io.gatehouse.api.server.ServerState;
import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.api.server.ServerView;

/**
 * A backend server as a router sees it, with a status the test sets: no process behind it. Thread-safe (volatile
 * fields), as routers expect of every {@link ServerView}.
 */
public final class TestServer implements ServerView {
    private final String name;
    private final int port;
    private volatile int status;
    private volatile int connections;
    private volatile boolean primaryRank = true;

    private TestServer(String name, int port, int status) {
        this.name = name;
        this.port = port;
        this.status = status;
    }

    /** A running primary. */
    public static TestServer primary(String name) {
        return new TestServer(name, 3306, ServerStatus.RUNNING | ServerStatus.MASTER);
    }

    /** A running replica. */
    public static TestServer replica(String name) {
        return new TestServer(name, 3306, ServerStatus.RUNNING | ServerStatus.SLAVE);
    }

    /** A server that is down. */
    public static TestServer down(String name) {
        return new TestServer(name, 3306, 0);
    }

    /** Replaces the status bits ({@link ServerStatus} constants), as a monitor or an operator would. */
    public TestServer status(int bits) {
        this.status = bits;
        return this;
    }

    /** Sets how many sessions the server has through the proxy (for least-connections routers). */
    public TestServer connections(int n) {
        this.connections = n;
        return this;
    }

    /** Gives the server {@code rank=secondary}. */
    public TestServer secondaryRank() {
        this.primaryRank = false;
        return this;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String address() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String socket() {
        return null;
    }

    @Override
    public boolean primaryRank() {
        return primaryRank;
    }

    @Override
    public int status() {
        return status;
    }

    @Override
    public ServerState state() {
        return ServerState.UNKNOWN.withStatus(status);
    }

    @Override
    public int currentConnections() {
        return connections;
    }

    @Override
    public String toString() {
        return name;
    }
}
