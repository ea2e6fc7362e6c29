package io.streamgate.gateway.auth;

import io.streamgate.gateway.config.ConfigException;
import java.security.MessageDigest;

/**
 * The operator's key for the admin routes ({@code STREAMGATE_ADMIN_KEY}), presented as {@code Authorization: Bearer}.
 * Only its SHA-256 hash is kept, and a presented key is compared with it in constant time. It is a key of its own:
 * it is no tenant's, so it opens no tenant route, and no tenant key opens an admin route.
 */
public final class AdminKey {

    /** The shortest admin key accepted: it guards every tenant's cache at once. */
    static final int MIN_LENGTH = 16;

    private final byte[] hash; // null: no admin key

    private AdminKey(byte[] hash) {
        this.hash = hash;
    }

    public static AdminKey none() {
        return new AdminKey(null);
    }

    /**
     * Parses the setting; {@code null} or blank means none.
     *
     * @param tenants the tenant keys, none of which may also be the admin key
     * @throws ConfigException when the key is too short or is also a tenant's key (the value is never echoed)
     */
    public static AdminKey parse(String setting, ApiKeys tenants) {
        if (setting == null || setting.isBlank()) {
            return none();
        }
        String key = setting.strip();
        if (key.length() < MIN_LENGTH) {
            throw new ConfigException("STREAMGATE_ADMIN_KEY must be at least " + MIN_LENGTH + " characters");
        }
        if (tenants.tenantOf(key).isPresent()) {
            throw new ConfigException("STREAMGATE_ADMIN_KEY is also a tenant's key in STREAMGATE_API_KEYS: the admin "
                    + "key must be a key of its own");
        }
        return new AdminKey(ApiKeys.sha256(key));
    }

    public boolean configured() {
        return hash != null;
    }

    /** Whether an {@code Authorization} header value is {@code Bearer <the admin key>}; false when none is set. */
    public boolean matches(String authorization) {
        String key = ApiKeys.bearerToken(authorization);
        return hash != null && key != null && MessageDigest.isEqual(hash, ApiKeys.sha256(key));
    }
}
