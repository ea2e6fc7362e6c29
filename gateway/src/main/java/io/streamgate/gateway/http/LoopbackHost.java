package io.streamgate.gateway.http;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Whether a {@code Host} header names this machine's loopback interface.
 *
 * <p>With no API keys the gateway listens on loopback and trusts whoever reaches it. A web page can still reach
 * it through DNS rebinding: its own name is re-pointed at 127.0.0.1, and the browser then sends that name as the
 * {@code Host}. Accepting only loopback names defeats that. Accepted, with or without a port: {@code localhost} and
 * names under it ({@code app.localhost}: RFC 6761 reserves them for loopback, and browsers resolve them without
 * DNS), an IPv4 address in 127.0.0.0/8, and {@code [::1]}.
 */
public final class LoopbackHost {

    private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
    private static final Pattern LOOPBACK = Pattern.compile(
            "((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)*localhost|127(?:\\." + OCTET + "){3}|\\[::1\\])(?::[0-9]{1,5})?");

    private LoopbackHost() {}

    /** Whether {@code host} (a {@code Host} header's value, {@code null} when absent) names loopback. */
    public static boolean isLoopback(String host) {
        return host != null && host.length() <= 255 && LOOPBACK.matcher(host.toLowerCase(Locale.ROOT)).matches();
    }
}
