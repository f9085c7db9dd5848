package io.gatehouse.api.reply;

/**
 * What a backend answered to one client command, already parsed so that no router or filter parses a reply twice.
 * Immutable; made by the backend connection's reply tracker on its worker thread when the reply completes.
 *
 * @param command       the command byte this reply answers (COM_QUERY = 3, ...)
 * @param kind          the final shape of the reply
 * @param resultSets    how many result sets it carried
 * @param rows          rows streamed in all result sets
 * @param affectedRows  from the last OK packet
 * @param lastInsertId  from the last OK packet
 * @param warnings      from the last OK or EOF packet
 * @param status        server status flags from the last OK or EOF packet
 * @param errorCode     the ERR packet's code, 0 when none
 * @param sqlState      the ERR packet's SQLSTATE, empty when none
 * @param errorMessage  the ERR packet's message, empty when none
 * @param sessionTrack  raw session-state-change bytes of the final OK packet, or null
 * @param statementId   the statement id of a COM_STMT_PREPARE response, 0 otherwise
 * @param parameterCount the number of parameters of a COM_STMT_PREPARE response, 0 otherwise
 */
public record Reply(int command, Kind kind, int resultSets, long rows, long affectedRows, long lastInsertId,
                    int warnings, int status, int errorCode, String sqlState, String errorMessage,
                    byte[] sessionTrack, long statementId, int parameterCount) {
    /** The shape of a reply. */
    public enum Kind {
        /** An OK packet (or OK-like EOF) ends it. */
        OK,
        /** An ERR packet ends it. */
        ERROR,
        /** One or more result sets. */
        RESULT_SET,
        /** A prepared-statement response. */
        PREPARE_OK,
        /** A reply that is a single packet of another shape (COM_STATISTICS). */
        OTHER
    }

    /** True when the reply ended with an ERR packet. */
    public boolean isError() {
        return kind == Kind.ERROR;
    }
}
