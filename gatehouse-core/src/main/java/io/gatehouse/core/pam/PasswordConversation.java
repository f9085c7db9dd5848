package io.gatehouse.core.pam;

import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * PAM's conversation for {@code pam_mode=password}: every prompt that does not echo (a module asking for the
 * password) gets the client's password; an echoing prompt (a question Gatehouse has no answer for) ends the
 * conversation with PAM_CONV_ERR, so the login fails rather than hang. Informational and error messages get an
 * empty answer. Runs on the PAM thread that called into libpam; the answers live in memory allocated with
 * {@code malloc}, which libpam frees.
 */
final class PasswordConversation implements PamLibrary.Conversation {
    private final byte[] password;
    /** Why the conversation failed (for the log), or null. */
    private volatile String failure;

    /** {@code password} stays the caller's: it is copied into PAM's memory for each answer, never kept. */
    PasswordConversation(byte[] password) {
        this.password = password;
    }

    String failure() {
        return failure;
    }

    @Override
    public int callback(int count, Pointer messages, Pointer responses, Pointer appdata) {
        if (count <= 0 || count > 32) {
            failure = "a conversation of " + count + " messages";
            return PamLibrary.PAM_CONV_ERR;
        }
        // struct pam_response { char *resp; int resp_retcode; }, padded to pointer alignment.
        int size = Native.POINTER_SIZE * 2;
        long array = Native.malloc((long) count * size);
        if (array == 0) {
            return PamLibrary.PAM_CONV_ERR;
        }
        Pointer answers = new Pointer(array);
        answers.clear((long) count * size);
        for (int i = 0; i < count; i++) {
            // Linux-PAM passes an array of pointers to struct pam_message { int msg_style; const char *msg; }.
            Pointer message = messages.getPointer((long) i * Native.POINTER_SIZE);
            int style = message.getInt(0);
            if (style == PamLibrary.PAM_PROMPT_ECHO_OFF) {
                long text = Native.malloc(password.length + 1L);
                if (text == 0) {
                    freeAll(answers, i);
                    return PamLibrary.PAM_CONV_ERR;
                }
                Pointer p = new Pointer(text);
                p.write(0, password, 0, password.length);
                p.setByte(password.length, (byte) 0);
                answers.setPointer((long) i * size, p);
            } else if (style == PamLibrary.PAM_PROMPT_ECHO_ON) {
                Pointer prompt = message.getPointer(Native.POINTER_SIZE);
                failure = "PAM asked '" + (prompt == null ? "" : prompt.getString(0)) + "', which pam_mode=password"
                        + " has no answer for";
                freeAll(answers, i);
                return PamLibrary.PAM_CONV_ERR;
            }
        }
        responses.setPointer(0, answers);
        return PamLibrary.PAM_SUCCESS;
    }

    /** Frees the first {@code filled} answers (wiping the passwords in them) and the array. */
    private void freeAll(Pointer answers, int filled) {
        int size = Native.POINTER_SIZE * 2;
        for (int i = 0; i < filled; i++) {
            Pointer p = answers.getPointer((long) i * size);
            if (p != null) {
                p.clear(password.length);
                Native.free(Pointer.nativeValue(p));
            }
        }
        Native.free(Pointer.nativeValue(answers));
    }
}
