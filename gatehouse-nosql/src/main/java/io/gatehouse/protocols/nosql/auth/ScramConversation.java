package io.gatehouse.protocols.nosql.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * One SCRAM exchange of a client (SCRAM-SHA-1 or SCRAM-SHA-256), server side: reads the client-first message, answers with the salt and
 * iteration count of the account, then checks the client-final message's proof. This class is who checks the
 * password: {@link #finish} returns the account only when the proof holds, and only then may the proxy use the
 * account's MariaDB credentials. Confined to the client channel's event loop; no buffers.
 */
public final class ScramConversation {
    private NosqlAccount account;
    private final Scram.Keys keys;
    private final String clientFirstBare;
    private final String serverFirst;
    private final String nonce;
    private final String gs2Header;
    private boolean verified;

    private ScramConversation(NosqlAccount account, Scram.Keys keys, String clientFirstBare, String serverFirst, String nonce,
                              String gs2Header) {
        this.account = account;
        this.keys = keys;
        this.clientFirstBare = clientFirstBare;
        this.serverFirst = serverFirst;
        this.nonce = nonce;
        this.gs2Header = gs2Header;
    }

    /** The user name of a client-first message ({@code n,,n=user,r=nonce}); throws {@link ScramException} when malformed. */
    public static String userOf(String clientFirst) {
        return attribute(bare(clientFirst), 'n', "client-first message");
    }

    /**
     * Starts an exchange with {@code mechanism} for {@code account}, whose name the client-first message gave; throws
     * {@link ScramException} when the account has no keys for that mechanism.
     */
    public static ScramConversation start(NosqlAccount account, Scram.Mechanism mechanism, String clientFirst) {
        Scram.Keys keys = account.keys().get(mechanism);
        if (keys == null) {
            throw new ScramException("the account has no " + mechanism.mongoName() + " credentials");
        }
        String bare = bare(clientFirst);
        String clientNonce = attribute(bare, 'r', "client-first message");
        String nonce = clientNonce + Scram.nonce();
        String serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(keys.salt())
                + ",i=" + keys.iterations();
        return new ScramConversation(account, keys, bare, serverFirst, nonce,
                clientFirst.substring(0, clientFirst.length() - bare.length()));
    }

    public String serverFirst() {
        return serverFirst;
    }

    /**
     * Checks the client-final message ({@code c=...,r=...,p=proof}): the nonce must be this exchange's and the proof
     * must match the account's stored key. Returns the server-final message ({@code v=signature}); throws
     * {@link ScramException} when the client did not prove it knows the password.
     */
    public String finish(String clientFinal) {
        int p = clientFinal.lastIndexOf(",p=");
        if (p < 0) {
            throw new ScramException("client-final message without a proof");
        }
        String withoutProof = clientFinal.substring(0, p);
        if (!nonce.equals(attribute(withoutProof, 'r', "client-final message"))) {
            throw new ScramException("the nonce of the client-final message is not this exchange's");
        }
        String binding = attribute(withoutProof, 'c', "client-final message");
        if (!binding.equals(Base64.getEncoder().encodeToString(gs2Header.getBytes(StandardCharsets.UTF_8)))) {
            throw new ScramException("channel binding is not supported");
        }
        byte[] proof;
        try {
            proof = Base64.getDecoder().decode(clientFinal.substring(p + 3));
        } catch (IllegalArgumentException e) {
            throw new ScramException("the proof is not base64");
        }
        String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
        byte[] clientKey = Scram.verify(keys, authMessage, proof);
        if (clientKey == null) {
            throw new ScramException("wrong password");
        }
        if (account.mariadbPassword() == null) {
            // A shared account: the proof's client key is what opens the MariaDB password sealed under it.
            byte[] sealed = account.sealed().get(keys.mechanism());
            if (sealed == null) {
                throw new ScramException("the account has no sealed MariaDB password for " + keys.mechanism().mongoName());
            }
            try {
                account = account.withPassword(PasswordSeal.open(clientKey, account.mariadbUser(), sealed));
            } catch (IllegalArgumentException e) {
                throw new ScramException(e.getMessage());
            }
        }
        verified = true;
        return "v=" + Base64.getEncoder().encodeToString(Scram.serverSignature(keys, authMessage));
    }

    /** The account, once {@link #finish} verified the proof; null before. */
    public NosqlAccount verifiedAccount() {
        return verified ? account : null;
    }

    private static String bare(String clientFirst) {
        // gs2 header: "n,," or "y,,": no channel binding, no authorization identity.
        if (!(clientFirst.startsWith("n,") || clientFirst.startsWith("y,"))) {
            throw new ScramException("client-first message: channel binding is not supported");
        }
        int second = clientFirst.indexOf(',', 2);
        if (second < 0) {
            throw new ScramException("client-first message without a gs2 header");
        }
        return clientFirst.substring(second + 1);
    }

    private static String attribute(String message, char name, String what) {
        for (String part : message.split(",")) {
            if (part.length() >= 2 && part.charAt(0) == name && part.charAt(1) == '=') {
                return part.substring(2).replace("=2C", ",").replace("=3D", "=");
            }
        }
        throw new ScramException(what + " without '" + name + "='");
    }

    /** A SCRAM exchange that failed; its message is for the log, the client only hears "Authentication failed". */
    public static final class ScramException extends RuntimeException {
        public ScramException(String message) {
            super(message);
        }
    }
}
