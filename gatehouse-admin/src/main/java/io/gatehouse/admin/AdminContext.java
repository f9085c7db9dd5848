package io.gatehouse.admin;

import io.gatehouse.admin.auth.AdminUsers;
import io.gatehouse.admin.auth.JwtTokens;
import io.gatehouse.core.runtime.Runtime;

/**
 * What every admin resource needs: the running proxy, the admin users and the token issuer. Shared, immutable
 * references; the objects behind them are used from the admin thread.
 */
public record AdminContext(Runtime runtime, AdminUsers users, JwtTokens tokens, AdminSettings settings) {
}
