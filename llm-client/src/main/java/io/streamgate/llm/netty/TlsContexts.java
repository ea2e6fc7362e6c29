package io.streamgate.llm.netty;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** The client TLS context: the JDK engine, trusting the system store plus, optionally, the CAs in one PEM file. */
final class TlsContexts {

    private TlsContexts() {}

    static SslContext client(Path caFile) {
        try {
            SslContextBuilder builder = SslContextBuilder.forClient()
                    .sslProvider(SslProvider.JDK)
                    .endpointIdentificationAlgorithm("HTTPS");
            if (caFile != null) {
                builder.trustManager(trustSystemAnd(caFile));
            }
            return builder.build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read upstream CA file " + caFile, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use upstream CA file " + caFile + ": " + e.getMessage(), e);
        }
    }

    private static TrustManagerFactory trustSystemAnd(Path caFile) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        TrustManagerFactory system = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        system.init((KeyStore) null);
        int n = 0;
        for (var manager : system.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                for (X509Certificate ca : x509.getAcceptedIssuers()) {
                    store.setCertificateEntry("system-" + n++, ca);
                }
            }
        }
        int extra = 0;
        try (InputStream in = Files.newInputStream(caFile)) {
            for (Certificate ca : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("extra-" + extra++, ca);
            }
        }
        if (extra == 0) {
            throw new GeneralSecurityException("no certificate in it");
        }
        TrustManagerFactory combined = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        combined.init(store);
        return combined;
    }
}
