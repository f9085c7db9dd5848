package io.gatehouse.api.filter;

/**
 * What one packet of a reply is, as told to {@link FilterSession#replyPacket}: the core's reply tracker knows the
 * shape of every reply (text or binary result sets, prepare responses, LOCAL INFILE requests), so filters never
 * parse it themselves.
 */
public enum ReplyPacketKind {
    /** The OK packet that ends a reply without a result set. */
    OK,
    /** An ERR packet; it ends the reply. */
    ERROR,
    /** The first packet of a result set: its column count. */
    COLUMN_COUNT,
    /** One column definition of a result set. */
    COLUMN_DEFINITION,
    /** The EOF packet after the column definitions (absent when the client asked for CLIENT_DEPRECATE_EOF). */
    COLUMNS_END,
    /** One row, text or binary. */
    ROW,
    /**
     * The EOF or OK packet that ends a result set; its status flags say whether another result set follows
     * (SERVER_MORE_RESULTS_EXIST) or, after a cursor fetch, whether the cursor is exhausted.
     */
    RESULT_END,
    /** The first packet of a COM_STMT_PREPARE response (statement id, column and parameter counts). */
    PREPARE_OK,
    /** A parameter or column definition of a prepare response, or the EOF packets between them. */
    PREPARE_DEFINITION,
    /** A server's request for a LOCAL INFILE's contents. */
    LOCAL_INFILE_REQUEST,
    /** Any other single-packet reply (COM_STATISTICS, COM_FIELD_LIST's definitions). */
    OTHER
}
