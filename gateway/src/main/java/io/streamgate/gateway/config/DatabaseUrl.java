package io.streamgate.gateway.config;

import static java.util.Objects.requireNonNull;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Properties;
import org.postgresql.Driver;

/**
 * {@code STREAMGATE_DATABASE_URL}, parsed: a libpq-style {@code postgresql://user:password@host:port/db?param=value}
 * (also {@code postgres://}) or a pgjdbc {@code jdbc:postgresql://host:port/db?user=...&password=...}.
 *
 * <p>The password never leaves this object except to the driver: {@link #toString} and {@link #display} leave it out,
 * so the URL can be named in a log line or an error.
 */
public final class DatabaseUrl {

    private static final String JDBC = "jdbc:postgresql:";

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final String display;

    private DatabaseUrl(String jdbcUrl, String user, String password, String display) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.display = display;
    }

    /**
     * @throws IllegalArgumentException when {@code url} is neither form; the message never holds the password
     */
    public static DatabaseUrl parse(String url) {
        requireNonNull(url, "url");
        String lower = url.toLowerCase(Locale.ROOT);
        String jdbcUrl;
        String user = null;
        String password = null;
        if (lower.startsWith(JDBC)) {
            jdbcUrl = url;
        } else if (lower.startsWith("postgresql://") || lower.startsWith("postgres://")) {
            String rest = url.substring(url.indexOf("//") + 2);
            int end = firstOf(rest, "/?");
            String authority = rest.substring(0, end);
            int at = authority.lastIndexOf('@');
            if (at >= 0) {
                String userInfo = authority.substring(0, at);
                int colon = userInfo.indexOf(':');
                user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
                password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
                authority = authority.substring(at + 1);
            }
            if (authority.isEmpty()) {
                throw new IllegalArgumentException("no host in the URL");
            }
            jdbcUrl = "jdbc:postgresql://" + authority + rest.substring(end);
        } else {
            throw new IllegalArgumentException(
                    "must start with postgresql://, postgres:// or jdbc:postgresql://, got '" + scheme(url) + "'");
        }
        Properties parsed = Driver.parseURL(jdbcUrl, new Properties());
        if (parsed == null) {
            throw new IllegalArgumentException("not a PostgreSQL URL the driver understands (check the host, port and "
                    + "database name)");
        }
        if (user == null) {
            user = parsed.getProperty("user");
        }
        if (password == null) {
            password = parsed.getProperty("password");
        }
        String display = "postgresql://" + (user == null ? "" : user + "@") + hosts(parsed) + "/"
                + parsed.getProperty("PGDBNAME", "");
        return new DatabaseUrl(stripCredentials(jdbcUrl), user, password, display);
    }

    /** The URL for the driver, without user or password (they are passed apart). */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** The user, or null for the driver's default. */
    public String user() {
        return user;
    }

    /** The password, or null; for the driver only. */
    public String password() {
        return password;
    }

    /** Where the database is, for log lines and errors: hosts, port, database and user, never the password. */
    public String display() {
        return display;
    }

    @Override
    public String toString() {
        return display;
    }

    /** Removes {@code user=} and {@code password=} from the query: they are given to the driver apart. */
    private static String stripCredentials(String jdbcUrl) {
        int q = jdbcUrl.indexOf('?');
        if (q < 0) {
            return jdbcUrl;
        }
        StringBuilder kept = new StringBuilder();
        for (String param : jdbcUrl.substring(q + 1).split("&")) {
            String name = param.contains("=") ? param.substring(0, param.indexOf('=')) : param;
            if (param.isEmpty() || name.equals("user") || name.equals("password")) {
                continue;
            }
            kept.append(kept.isEmpty() ? '?' : '&').append(param);
        }
        return jdbcUrl.substring(0, q) + kept;
    }

    private static int firstOf(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return s.length();
    }

    /** {@code host:port}, comma-separated when the URL names several hosts. */
    private static String hosts(Properties parsed) {
        String[] hosts = parsed.getProperty("PGHOST", "localhost").split(",");
        String[] ports = parsed.getProperty("PGPORT", "5432").split(",");
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < hosts.length; i++) {
            out.append(i == 0 ? "" : ",").append(hosts[i]).append(':').append(ports[Math.min(i, ports.length - 1)]);
        }
        return out.toString();
    }

    /** The scheme only, so that an error about a wrong scheme cannot echo a password. */
    private static String scheme(String url) {
        int colon = url.indexOf(':');
        return colon < 0 ? "" : url.substring(0, Math.min(colon, 40)) + ":";
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a malformed %-escape in the user or password");
        }
    }
}
