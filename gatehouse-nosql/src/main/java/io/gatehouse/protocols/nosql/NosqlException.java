package io.gatehouse.protocols.nosql;

import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonString;

/**
 * A command that fails the way MongoDB reports failures: a numeric code, its code name and a message; thrown on
 * the client channel's event loop and turned into an {@code ok: 0} reply, the connection stays open. Holds no buffers.
 */
public final class NosqlException extends RuntimeException {
    public static final int BAD_VALUE = 2;
    public static final int FAILED_TO_PARSE = 9;
    public static final int UNAUTHORIZED = 13;
    public static final int AUTHENTICATION_FAILED = 18;
    public static final int NAMESPACE_NOT_FOUND = 26;
    public static final int CURSOR_NOT_FOUND = 43;
    public static final int NAMESPACE_EXISTS = 48;
    public static final int COMMAND_NOT_FOUND = 59;
    public static final int COMMAND_FAILED = 125;
    public static final int COMMAND_NOT_SUPPORTED = 115;
    public static final int INTERNAL_ERROR = 1;
    public static final int DUPLICATE_KEY = 11000;

    private final int code;
    private final String codeName;

    public NosqlException(int code, String codeName, String message) {
        super(message);
        this.code = code;
        this.codeName = codeName;
    }

    /** A BadValue error: the client sent something this translation does not accept. */
    public static NosqlException badValue(String message) {
        return new NosqlException(BAD_VALUE, "BadValue", message);
    }

    public int code() {
        return code;
    }

    public String codeName() {
        return codeName;
    }

    /** The reply document MongoDB sends for this error. */
    public BsonDocument toDocument() {
        return new BsonDocument("ok", new BsonDouble(0))
                .append("errmsg", new BsonString(getMessage() == null ? "" : getMessage()))
                .append("code", new BsonInt32(code))
                .append("codeName", new BsonString(codeName));
    }
}
