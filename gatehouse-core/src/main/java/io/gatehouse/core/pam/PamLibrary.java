package io.gatehouse.core.pam;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.PointerByReference;

/**
 * The part of libpam (Linux-PAM's {@code libpam.so.0}) that the pamauth authenticator calls, bound with JNA. Every
 * call blocks (PAM modules may fork, sleep or ask a directory server), so only {@link PamAuthenticator}'s own threads
 * make them, never a worker; nothing here touches Netty buffers.
 */
interface PamLibrary extends Library {
    int PAM_SUCCESS = 0;
    int PAM_CONV_ERR = 19;
    int PAM_PROMPT_ECHO_OFF = 1;
    int PAM_PROMPT_ECHO_ON = 2;
    int PAM_ERROR_MSG = 3;
    int PAM_TEXT_INFO = 4;
    /** {@code pam_set_item} type of the remote host, which modules such as pam_access read. */
    int PAM_RHOST = 4;
    /** A module must refuse an empty password rather than take it as no password. */
    int PAM_DISALLOW_NULL_AUTHTOK = 0x0001;
    int PAM_SILENT = 0x8000;

    int pam_start(String service, String user, PamConv conversation, PointerByReference handle);

    int pam_set_item(Pointer handle, int type, String item);

    int pam_authenticate(Pointer handle, int flags);

    int pam_acct_mgmt(Pointer handle, int flags);

    int pam_end(Pointer handle, int status);

    String pam_strerror(Pointer handle, int status);

    /** {@code struct pam_conv}: the application's conversation function and its data pointer. */
    @Structure.FieldOrder({"conv", "appdataPtr"})
    final class PamConv extends Structure {
        public Conversation conv;
        public Pointer appdataPtr;

        PamConv(Conversation conv) {
            this.conv = conv;
        }
    }

    /**
     * {@code int (*conv)(int num_msg, const struct pam_message **msg, struct pam_response **resp, void *appdata)};
     * PAM calls it on the thread that called into PAM.
     */
    interface Conversation extends Callback {
        int callback(int count, Pointer messages, Pointer responses, Pointer appdata);
    }

    /** Loads libpam; throws {@link UnsatisfiedLinkError} when the system has none. */
    static PamLibrary load() {
        try {
            return Native.load("pam", PamLibrary.class);
        } catch (UnsatisfiedLinkError e) {
            // Systems without the development package have only the versioned name.
            return Native.load("libpam.so.0", PamLibrary.class);
        }
    }
}
