package io.streamgate.gateway.auth;

import io.streamgate.gateway.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Client API keys, mapped to tenants. Only SHA-256 hashes are kept in memory, and a presented key is compared
 * against every known hash in constant time, so neither a heap dump nor response timing gives a key away.
 *
 * <p>{@code STREAMGATE_API_KEYS} holds either {@code tenant:key} pairs separated by commas, or the path of a file
 * of {@code tenant:sha256hex} lines ({@code #} comments and blank lines allowed).
 */
public final class ApiKeys {

    /** The tenant of every request when no keys are configured (the gateway then listens on loopback only). */
    public static final String ANONYMOUS = "-";

    private static final String BEARER = "Bearer ";

    private record Entry(String tenant, byte[] hash) {}

    /** Both accepted forms, for every error message about the setting. */
    static final String FORMS = "expected tenant:key pairs separated by commas (e.g. STREAMGATE_API_KEYS=team-a:key1,"
            + "team-b:key2), or the path of a file of tenant:sha256hex lines";

    private final List<Entry> entries;

    private ApiKeys(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** No keys: authentication is off. */
    public static ApiKeys none() {
        return new ApiKeys(List.of());
    }

    /** Parses the {@code STREAMGATE_API_KEYS} value; {@code null} or blank means none. */
    public static ApiKeys parse(String setting) {
        if (setting == null || setting.isBlank()) {
            return none();
        }
        String value = setting.strip();
        if (isFile(value)) {
            return fromFile(Path.of(value));
        }
        if (!value.contains(":")) {
            // Neither form: the value is not echoed, since it may well be a key.
            throw new ConfigException("STREAMGATE_API_KEYS: " + FORMS + "; the value has no ':' and names no file");
        }
        List<Entry> entries = new ArrayList<>();
        for (String pair : value.split(",")) {
            String[] parts = split(pair.strip(), "STREAMGATE_API_KEYS", FORMS);
            entries.add(new Entry(parts[0], sha256(parts[1])));
        }
        return new ApiKeys(entries);
    }

    private static boolean isFile(String value) {
        try {
            return Files.isRegularFile(Path.of(value));
        } catch (java.nio.file.InvalidPathException e) {
            return false;
        }
    }

    private static ApiKeys fromFile(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("STREAMGATE_API_KEYS: cannot read the key file " + file + ": " + e.getMessage());
        }
        List<Entry> entries = new ArrayList<>();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = split(line, "STREAMGATE_API_KEYS file " + file, "expected tenant:sha256hex lines");
            if (!parts[1].matches("[0-9a-fA-F]{64}")) {
                throw new ConfigException("STREAMGATE_API_KEYS file " + file + ": expected tenant:sha256hex, got a "
                        + parts[1].length() + "-character value for tenant " + parts[0]);
            }
            entries.add(new Entry(parts[0], HexFormat.of().parseHex(parts[1])));
        }
        return new ApiKeys(entries);
    }

    private static String[] split(String pair, String where, String expected) {
        int colon = pair.indexOf(':');
        if (colon <= 0 || colon == pair.length() - 1) {
            throw new ConfigException(where + ": " + expected);
        }
        String tenant = pair.substring(0, colon).strip();
        if (!tenant.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new ConfigException(where + ": a tenant is 1-64 characters of A-Z a-z 0-9 _ . -");
        }
        return new String[] {tenant, pair.substring(colon + 1).strip()};
    }

    public boolean enabled() {
        return !entries.isEmpty();
    }

    public int size() {
        return entries.size();
    }

    /** The tenant whose key this is. Compares against every entry, so the time taken does not depend on which. */
    public Optional<String> tenantOf(String presentedKey) {
        byte[] hash = sha256(presentedKey);
        String match = null;
        for (Entry e : entries) {
            if (MessageDigest.isEqual(e.hash, hash) && match == null) {
                match = e.tenant;
            }
        }
        return Optional.ofNullable(match);
    }

    /** The tenant whose key an {@code Authorization} header value ({@code Bearer <key>}) carries; {@code null} is none. */
    public Optional<String> tenantOfBearer(String authorization) {
        String key = bearerToken(authorization);
        return key == null ? Optional.empty() : tenantOf(key);
    }

    /** The key of an {@code Authorization} header value {@code Bearer <key>}, or {@code null} for any other value. */
    static String bearerToken(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        return authorization.substring(BEARER.length()).strip();
    }

    /**
     * The tenant whose key a request carries, as {@code Authorization: Bearer <key>} or, when that header is absent,
     * as {@code x-api-key: <key>} (the Anthropic SDKs' header). A request with an {@code Authorization} header is
     * judged on it alone, so that two headers naming two keys never pick the one that happens to match.
     */
    public Optional<String> tenantOf(String authorization, String xApiKey) {
        if (authorization != null) {
            return tenantOfBearer(authorization);
        }
        return xApiKey == null || xApiKey.isBlank() ? Optional.empty() : tenantOf(xApiKey.strip());
    }

    static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
