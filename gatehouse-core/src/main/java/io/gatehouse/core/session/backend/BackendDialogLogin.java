package io.gatehouse.core.session.backend;

import java.util.Arrays;

/**
 * Gatehouse as the client of a backend's PAM plugin speaking MariaDB's {@code dialog} exchange: each question is a
 * type byte and a prompt; a password question (types 4 and 5) is answered with the client's password and a NUL, as
 * the {@code dialog} client plugin answers with the password it was given. A question that echoes (types 2 and 3)
 * asks for something other than the password, which Gatehouse does not have: the login fails naming the prompt.
 * One per backend login, on the session's worker; it owns no buffers.
 */
final class BackendDialogLogin implements BackendPluginLogin {
    static final String PLUGIN = "dialog";
    /** Questions answered in one login: a PAM stack asks a handful at most; a server that keeps asking is cut off. */
    private static final int MAX_QUESTIONS = 8;
    private final String server;
    private final byte[] firstQuestion;
    private final byte[] password;
    private int questions;

    /** @param password the password PAM accepted for the client (never null) */
    BackendDialogLogin(String server, byte[] firstQuestion, byte[] password) {
        this.server = server;
        this.firstQuestion = firstQuestion;
        this.password = password;
    }

    @Override
    public byte[] first() {
        return answer(firstQuestion);
    }

    /** A further question: the payload of a packet starting with its type byte (an auth-more-data prefix removed). */
    @Override
    public byte[] more(byte[] question) {
        return answer(question);
    }

    /** True when {@code firstByte} starts a dialog question rather than OK, ERR, a switch or auth-more-data. */
    static boolean isQuestion(int firstByte) {
        return firstByte >= 2 && firstByte <= 5;
    }

    private byte[] answer(byte[] question) {
        if (++questions > MAX_QUESTIONS) {
            throw new IllegalStateException("server '" + server + "' asked more than " + MAX_QUESTIONS
                    + " dialog questions");
        }
        if (question.length == 0) {
            // No question at all: the dialog client then sends the password as its first answer too.
            return withNul(password);
        }
        int type = question[0] & 0xFF;
        if (type != 4 && type != 5) {
            String prompt = new String(question, 1, question.length - 1, java.nio.charset.StandardCharsets.UTF_8);
            throw new IllegalStateException("server '" + server + "' asks '" + prompt.strip() + "' in its PAM"
                    + " dialog, which Gatehouse cannot answer (it answers password questions only)");
        }
        return withNul(password);
    }

    private static byte[] withNul(byte[] password) {
        return Arrays.copyOf(password, password.length + 1);
    }
}
