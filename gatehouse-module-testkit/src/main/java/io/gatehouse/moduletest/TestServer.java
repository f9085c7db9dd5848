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
    private volatile long lag = -1;
    private volatile String version = "";
    private volatile int activeOperations;

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

    /** Sets the replication lag in seconds the monitor reports (-1: unknown, the default). */
    public TestServer lag(long seconds) {
        this.lag = seconds;
        return this;
    }

    /** Sets the version string of the server's greeting, e.g. {@code 10.11.6-MariaDB} (empty: never reached). */
    public TestServer version(String versionString) {
        this.version = versionString;
        return this;
    }

    /** Sets how many statements run on the server through the proxy (for least_current_operations). */
    public TestServer activeOperations(int n) {
        this.activeOperations = n;
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
        return new ServerState(status, lag, -1, -1, false, "", "", version, 0, 0, "");
    }

    @Override
    public int activeOperations() {
        return activeOperations;
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
