package io.streamgate.llm.netty;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.streamgate.llm.UpstreamTrust;
import javax.net.ssl.SSLException;

/** The client TLS context: the JDK engine, verifying hostnames, trusting what {@link UpstreamTrust} trusts. */
final class TlsContexts {

    private TlsContexts() {}

    static SslContext client(UpstreamTrust trust) {
        try {
            return SslContextBuilder.forClient()
                    .sslProvider(SslProvider.JDK)
                    .trustManager(trust.trustManager())
                    .endpointIdentificationAlgorithm("HTTPS")
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the upstream TLS context: " + e.getMessage(), e);
        }
    }
}
