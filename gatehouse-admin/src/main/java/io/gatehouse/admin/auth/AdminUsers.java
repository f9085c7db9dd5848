package io.gatehouse.admin.auth;

import com.fasterxml.jackson.core.type.TypeReference;
import io.gatehouse.admin.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The admin API's users ({@code admin} accounts may change things, {@code basic} accounts only read), stored with
 * salted password hashes in {@code datadir/passwd}. When the file does not exist the default {@code admin} /
 * {@code mariadb} account exists (the file is written at the first change), and that password is accepted only
 * from loopback addresses, as MaxScale does.
 * Used on the admin thread; methods are synchronized so a test thread may read too. Holds no buffers.
 */
public final class AdminUsers {
    public static final String DEFAULT_USER = "admin";
    public static final String DEFAULT_PASSWORD = "mariadb";

    /** One admin user as stored; {@code account} is {@code admin} or {@code basic}. */
    public record AdminUser(String name, String account, String password, Long created, Long lastUpdate) {
        public boolean mayWrite() {
            return "admin".equals(account);
        }
    }

    private final Path file;
    private final Map<String, AdminUser> users = new LinkedHashMap<>();
    private final Map<String, Long> lastLogin = new ConcurrentHashMap<>();
    /** Credentials verified before, so that every request does not pay for PBKDF2 again. */
    private final Map<String, String> verified = new ConcurrentHashMap<>();

    public AdminUsers(Path datadir) {
        this.file = datadir.resolve("passwd");
        load();
    }

    private synchronized void load() {
        if (Files.exists(file)) {
            try {
                List<AdminUser> list = Json.MAPPER.readValue(file.toFile(), new TypeReference<List<AdminUser>>() { });
                list.forEach(u -> users.put(u.name(), u));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read admin users from " + file, e);
            }
        } else {
            // Kept in memory until the first change, so a Gatehouse that is never administered writes nothing.
            users.put(DEFAULT_USER, new AdminUser(DEFAULT_USER, "admin", PasswordHash.hash(DEFAULT_PASSWORD), null, null));
        }
    }

    private void save() {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Json.MAPPER.writeValue(tmp.toFile(), new ArrayList<>(users.values()));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write admin users to " + file, e);
        }
    }

    /** The user these credentials identify, or null when they do not. */
    public synchronized AdminUser authenticate(String name, String password, boolean fromLoopback) {
        AdminUser u = users.get(name);
        if (u == null || password == null) {
            return null;
        }
        if (name.equals(DEFAULT_USER) && password.equals(DEFAULT_PASSWORD) && !fromLoopback) {
            return null;
        }
        String fp = PasswordHash.fingerprint(name, password);
        if (!fp.equals(verified.get(name))) {
            if (!PasswordHash.verify(password, u.password())) {
                return null;
            }
            verified.put(name, fp);
        }
        lastLogin.put(name, System.currentTimeMillis());
        return u;
    }

    public synchronized AdminUser get(String name) {
        return users.get(name);
    }

    public synchronized Collection<AdminUser> all() {
        return List.copyOf(users.values());
    }

    public Long lastLogin(String name) {
        return lastLogin.get(name);
    }

    /** Adds a user; refuses an existing name or an unknown account type. */
    public synchronized void add(String name, String password, String account) {
        if (users.containsKey(name)) {
            throw new IllegalArgumentException("user '" + name + "' already exists");
        }
        checkAccount(account);
        long now = System.currentTimeMillis();
        users.put(name, new AdminUser(name, account, PasswordHash.hash(password), now, now));
        save();
    }

    /** Changes a password (and optionally the account type when not null). */
    public synchronized void update(String name, String password, String account) {
        AdminUser u = users.get(name);
        if (u == null) {
            throw new IllegalArgumentException("user '" + name + "' does not exist");
        }
        if (account != null) {
            checkAccount(account);
        }
        users.put(name, new AdminUser(name, account != null ? account : u.account(),
                password != null ? PasswordHash.hash(password) : u.password(), u.created(), System.currentTimeMillis()));
        verified.remove(name);
        save();
    }

    /** Removes a user; the last admin account cannot be removed, or nobody could administer Gatehouse. */
    public synchronized void remove(String name) {
        AdminUser u = users.get(name);
        if (u == null) {
            throw new IllegalArgumentException("user '" + name + "' does not exist");
        }
        long admins = users.values().stream().filter(AdminUser::mayWrite).count();
        if (u.mayWrite() && admins == 1) {
            throw new IllegalStateException("cannot remove the last admin user '" + name + "'");
        }
        users.remove(name);
        verified.remove(name);
        save();
    }

    private static void checkAccount(String account) {
        if (!"admin".equals(account) && !"basic".equals(account)) {
            throw new IllegalArgumentException("account: '" + account + "' (expected: admin or basic)");
        }
    }
}
