package io.gatehouse.protocols.nosql.wire;

import org.bson.BsonDocument;

/**
 * One decoded client message: the command document with any OP_MSG document sequences folded in as arrays;
 * an immutable value owned by whoever holds it, with no buffers attached.
 *
 * @param requestId the client's request id, echoed as {@code responseTo} in the reply
 * @param legacyQuery whether it came as an OP_QUERY (answered with OP_REPLY) rather than an OP_MSG
 * @param moreToCome whether the client asked for no reply (OP_MSG flag bit 1)
 * @param command the command document, its first key naming the command
 */
public record MongoRequest(int requestId, boolean legacyQuery, boolean moreToCome, BsonDocument command) {

    /** The command's name: the first key of the document. */
    public String commandName() {
        return command.isEmpty() ? "" : command.getFirstKey();
    }

    /** The database the command is for: {@code $db} for OP_MSG, the collection prefix for OP_QUERY. */
    public String database() {
        return command.containsKey("$db") && command.get("$db").isString()
                ? command.getString("$db").getValue() : "admin";
    }
}
