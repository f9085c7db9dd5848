package io.gatehouse.core.pam;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Checks a user's password with the system's PAM stack for the pamauth authenticator: {@code pam_start} with the
 * account's PAM service, {@code pam_authenticate} answering the password prompts, then {@code pam_acct_mgmt}. PAM
 * calls block, so they run on a small bounded pool of daemon threads ({@value #THREADS} threads, at most
 * {@value #QUEUE} logins waiting), never on a worker: the caller gets a future and continues on its own thread.
 * Thread-safe; no Netty buffers. The password array stays the caller's, which wipes it when done.
 */
public final class PamAuthenticator {
    /** PAM threads: enough that one slow module (a directory server timing out) does not hold every login. */
    static final int THREADS = 4;
    static final int QUEUE = 256;

    /** The outcome: {@code ok}, or the reason PAM gave (for the log only, never for the client). */
    public record Result(boolean ok, String reason) {
    }

    private static volatile PamAuthenticator instance;

    private final PamLibrary pam;
    private final ThreadPoolExecutor pool;

    private PamAuthenticator(PamLibrary pam) {
        this.pam = pam;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE),
                r -> {
                    Thread t = new Thread(r, "gatehouse-pam-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
    }

    /**
     * The process's authenticator, loading libpam the first time; throws {@link IllegalStateException} saying why
     * when the system has no libpam (a listener with pamauth then refuses to start).
     */
    public static PamAuthenticator get() {
        PamAuthenticator a = instance;
        if (a != null) {
            return a;
        }
        synchronized (PamAuthenticator.class) {
            if (instance == null) {
                try {
                    instance = new PamAuthenticator(PamLibrary.load());
                } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
                    throw new IllegalStateException("cannot load libpam (install the system's PAM library): "
                            + e.getMessage(), e);
                }
            }
            return instance;
        }
    }

    /** True when this process runs as root (what pam_mode=suid needs in place of MaxScale's setuid helper). */
    public static boolean runningAsRoot() {
        try {
            return com.sun.jna.Native.load("c", Unistd.class).geteuid() == 0;
        } catch (UnsatisfiedLinkError e) {
            return false;
        }
    }

    /** The C library's {@code geteuid}. */
    interface Unistd extends com.sun.jna.Library {
        int geteuid();
    }

    /**
     * Authenticates {@code user} with PAM service {@code service} on a PAM thread; {@code remote} becomes PAM_RHOST.
     * The future fails with {@link RejectedExecutionException} when {@value #QUEUE} logins are already waiting.
     * {@code password} must stay unchanged until the future completes.
     */
    public CompletableFuture<Result> authenticate(String service, String user, byte[] password, String remote) {
        CompletableFuture<Result> out = new CompletableFuture<>();
        try {
            pool.execute(() -> {
                try {
                    out.complete(run(service, user, password, remote));
                } catch (RuntimeException | Error e) {
                    out.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            out.completeExceptionally(e);
        }
        return out;
    }

    private Result run(String service, String user, byte[] password, String remote) {
        PasswordConversation answers = new PasswordConversation(password);
        PamLibrary.PamConv conv = new PamLibrary.PamConv(answers);
        PointerByReference ref = new PointerByReference();
        int status = pam.pam_start(service, user, conv, ref);
        Pointer handle = ref.getValue();
        if (status != PamLibrary.PAM_SUCCESS || handle == null) {
            return new Result(false, "pam_start(" + service + ") failed: " + status);
        }
        try {
            if (remote != null && !remote.isEmpty()) {
                pam.pam_set_item(handle, PamLibrary.PAM_RHOST, remote);
            }
            status = pam.pam_authenticate(handle, PamLibrary.PAM_SILENT | PamLibrary.PAM_DISALLOW_NULL_AUTHTOK);
            if (status == PamLibrary.PAM_SUCCESS) {
                status = pam.pam_acct_mgmt(handle, PamLibrary.PAM_SILENT | PamLibrary.PAM_DISALLOW_NULL_AUTHTOK);
                if (status != PamLibrary.PAM_SUCCESS) {
                    return new Result(false, "PAM service '" + service + "' refused the account: "
                            + pam.pam_strerror(handle, status));
                }
                return new Result(true, "");
            }
            String why = answers.failure() != null ? answers.failure() : pam.pam_strerror(handle, status);
            return new Result(false, "PAM service '" + service + "': " + why);
        } finally {
            pam.pam_end(handle, status);
            // The conversation must stay reachable (its native trampoline alive) until PAM is done with it.
            java.lang.ref.Reference.reachabilityFence(conv);
        }
    }
}
