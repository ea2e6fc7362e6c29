package io.streamgate.llm.netty;

import static java.util.Objects.requireNonNull;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.streamgate.llm.UpstreamTrust;
import javax.net.ssl.SSLException;

/**
 * The client TLS context: OpenSSL (BoringSSL, through {@code netty-tcnative-boringssl-static}) where its native
 * library loads, the JDK's engine otherwise; either way verifying hostnames and trusting what {@link UpstreamTrust}
 * trusts.
 */
final class TlsContexts {

    private TlsContexts() {}

    /** OpenSSL when {@code netty-tcnative} loads on this platform, else the JDK's engine. */
    static SslProvider preferredProvider() {
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    /** What {@code provider} is, for the start-up log: the library and version, or why OpenSSL is not used. */
    static String describe(SslProvider provider) {
        if (provider == SslProvider.JDK) {
            Throwable why = OpenSsl.unavailabilityCause();
            return "the JDK engine" + (why == null ? "" : " (OpenSSL unavailable: " + why + ")");
        }
        return OpenSsl.versionString() + " through netty-tcnative";
    }

    /**
     * @param provider {@link SslProvider#OPENSSL} (only when {@link OpenSsl#isAvailable()}) or {@link SslProvider#JDK}
     */
    static SslContext client(UpstreamTrust trust, SslProvider provider) {
        requireNonNull(trust, "trust");
        if (provider != SslProvider.OPENSSL && provider != SslProvider.JDK) {
            throw new IllegalArgumentException("unsupported TLS provider: " + provider);
        }
        try {
            return SslContextBuilder.forClient()
                    .sslProvider(provider)
                    .trustManager(trust.trustManager())
                    .endpointIdentificationAlgorithm("HTTPS")
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the upstream TLS context: " + e.getMessage(), e);
        }
    }
}
