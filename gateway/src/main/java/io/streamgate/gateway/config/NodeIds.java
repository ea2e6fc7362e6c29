package io.streamgate.gateway.config;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/** Names of nodes in the state they share: {@code STREAMGATE_NODE_ID}, or one made up at start. */
final class NodeIds {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private NodeIds() {}

    /** The host's name, this process's id and a random suffix: unique across restarts and processes of one host. */
    static String generated() {
        String host = System.getenv().getOrDefault("HOSTNAME", "node").replaceAll("[^A-Za-z0-9.-]", "");
        host = host.isEmpty() ? "node" : host.substring(0, Math.min(host.length(), 32));
        byte[] random = new byte[3];
        ThreadLocalRandom.current().nextBytes(random);
        return host + "-" + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(random);
    }

    /** {@code id} if it is 1 to 64 letters, digits, dots, dashes or underscores; else a one-line error naming the setting. */
    static String checked(String id) {
        if (!VALID.matcher(id).matches()) {
            throw new ConfigException("STREAMGATE_NODE_ID must be 1 to 64 letters, digits, '.', '-' or '_'");
        }
        return id;
    }
}
