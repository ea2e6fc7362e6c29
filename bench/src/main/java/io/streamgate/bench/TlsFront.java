package io.streamgate.bench;

import io.streamgate.bench.servers.RunningServer;
import io.streamgate.bench.servers.Servers;
import java.nio.file.Path;

/**
 * The load harness's {@code --tls} front on its own: nginx terminating TLS in front of a plain upstream, with a
 * test certificate for localhost made at start, for tools that read a TLS provider themselves ({@link UpstreamHeap},
 * a gateway started by hand with {@code STREAMGATE_UPSTREAM_CA_FILE}).
 *
 * <p>Usage: {@code TlsFront UPSTREAM_URL DIR}. Prints {@code TLS_URL=https://localhost:PORT/PATH} and
 * {@code CA_FILE=DIR/cert.pem} once ready; stops nginx when its stdin closes.
 */
public final class TlsFront {

    private TlsFront() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: TlsFront UPSTREAM_URL DIR");
            System.exit(2);
        }
        Path dir = Path.of(args[1]).toAbsolutePath();
        try (RunningServer tls = Servers.tlsTerminator(args[0], dir)) {
            System.out.println("TLS_URL=" + tls.baseUrl());
            System.out.println("CA_FILE=" + Servers.certificate(dir));
            System.out.flush();
            while (System.in.read() >= 0) {
                // nothing is sent; EOF means the caller is done
            }
        }
    }
}
