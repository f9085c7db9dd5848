package io.gatehouse.protocols.nosql.wire;

/** A client message that does not follow the MongoDB wire format; thrown on the event loop, the connection is closed. */
public final class MongoWireException extends RuntimeException {
    public MongoWireException(String message) {
        super(message);
    }
}
