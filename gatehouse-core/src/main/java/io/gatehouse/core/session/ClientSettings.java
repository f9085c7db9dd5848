package io.gatehouse.core.session;

import io.gatehouse.core.session.login.TrustedNetworks;
import io.gatehouse.core.tls.ReloadableTls;
import java.time.Duration;

/**
 * What a listener decides for each of its clients: TLS, how long the login may take, the largest command accepted
 * and which networks may send a PROXY protocol header. Immutable; made on the main thread, read on workers.
 *
 * @param tls             TLS for clients (required when set), or null
 * @param initTimeout     time from accept to a finished login before the client is dropped
 * @param maxPacketSize   largest client command (payload bytes over all its packets)
 * @param proxyNetworks   sources allowed to send a PROXY header, or null for none
 * @param userMapping     the listener's {@code user_mapping_file}, or null
 * @param skipAuthentication  {@code authenticator_options=skip_authentication=true}: passwords are left to the
 *                        backends to check
 * @param clearPassthrough {@code authenticator_options=clear_pw_passthrough=true}: the client's cleartext password
 *                        goes to the backends, which decide
 * @param edSha256        {@code authenticator_options=ed_mode=sha256}: ed25519 accounts log in with the
 *                        sha256_password exchange, so Gatehouse learns the password and can sign for the backends
 * @param clearWithoutTls {@code authenticator_options=clear_pw_without_tls=true}: under clear_pw_passthrough the
 *                        password may go to a backend that asks for it in clear over a connection without TLS
 * @param rsaKeys         the RSA key pair of {@code ed_rsa_privkey_path}/{@code ed_rsa_pubkey_path}, or null to use
 *                        the process's own
 * @param matchRules      how logins match the service's accounts: the listener's {@code authenticator} list and its
 *                        {@code match_host} and {@code lower_case_table_names} options
 * @param initStatements  the statements of the listener's {@code connection_init_sql_file}, run on each backend
 *                        connection a session gets, before its first command; empty when none
 * @param metadata        the listener's {@code connection_metadata} and {@code redirect_url}, added to the login OK
 * @param pam             the listener's pamauth options when its {@code authenticator} list names pamauth (PAM
 *                        accounts log in, their passwords checked by Gatehouse through PAM), or null
 */
public record ClientSettings(ReloadableTls tls, Duration initTimeout, long maxPacketSize,
                             TrustedNetworks proxyNetworks, io.gatehouse.core.users.UserMapping userMapping,
                             boolean skipAuthentication, boolean clearPassthrough, boolean clearWithoutTls,
                             boolean edSha256, java.security.KeyPair rsaKeys,
                             io.gatehouse.core.users.MatchRules matchRules,
                             java.util.List<String> initStatements,
                             ConnectionMetadata metadata, io.gatehouse.core.pam.PamSettings pam) {
    public ClientSettings {
        initStatements = java.util.List.copyOf(initStatements);
    }

    /** Settings for clients of a listener without TLS or PROXY protocol, with the defaults. */
    public static final ClientSettings PLAIN = new ClientSettings(null, Duration.ofSeconds(10), 1L << 30, null,
            null, false, false, false, false, null, io.gatehouse.core.users.MatchRules.DEFAULT, java.util.List.of(),
            ConnectionMetadata.NONE, null);
}
