package io.streamgate.gateway.dropin;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** Response ids in each dialect's style: {@code chatcmpl-…}, {@code msg_…}. Unique enough to tell answers apart. */
final class Ids {

    private Ids() {}

    static String next(String prefix) {
        byte[] random = new byte[12];
        ThreadLocalRandom.current().nextBytes(random);
        return prefix + HexFormat.of().formatHex(random);
    }
}
