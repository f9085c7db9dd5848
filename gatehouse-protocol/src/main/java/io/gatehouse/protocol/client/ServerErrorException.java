package io.gatehouse.protocol.client;

import io.gatehouse.protocol.ErrPacket;

/**
 * Thrown by {@link BlockingClient} when the server answers with an ERR packet: the statement or login failed but
 * the connection itself is intact (except during login, where the client closes it). Immutable; thrown on the
 * caller's thread.
 */
public final class ServerErrorException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int code;
    private final String sqlState;
    private final String serverMessage;

    public ServerErrorException(int code, String sqlState, String serverMessage) {
        super(code + " (" + sqlState + "): " + serverMessage);
        this.code = code;
        this.sqlState = sqlState;
        this.serverMessage = serverMessage;
    }

    public ServerErrorException(ErrPacket err) {
        this(err.code(), err.sqlState(), err.message());
    }

    /** The server's error number, e.g. 1045. */
    public int code() {
        return code;
    }

    /** The five-character SQLSTATE. */
    public String sqlState() {
        return sqlState;
    }

    /** The server's error text without code and state. */
    public String serverMessage() {
        return serverMessage;
    }

    /** Same as {@link #serverMessage()}, named like {@link ErrPacket#message()}. */
    public String message() {
        return serverMessage;
    }

    /** The error as a packet value, e.g. to forward it to a client. */
    public ErrPacket toErrPacket() {
        return new ErrPacket(code, sqlState, serverMessage);
    }
}
