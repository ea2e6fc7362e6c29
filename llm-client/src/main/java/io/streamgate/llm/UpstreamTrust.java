package io.streamgate.llm;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Which certificate authorities a TLS provider's certificate may chain to: the system's (the JDK's trust store)
 * and, optionally, extra ones from a PEM file, for providers behind a private CA. Either transport takes its
 * {@link #trustManager()}; hostname verification stays with the transport.
 */
public final class UpstreamTrust {

    private static final UpstreamTrust SYSTEM = new UpstreamTrust(null, null, 0);

    private final X509TrustManager trustManager;
    private final SSLSocketFactory socketFactory;
    private final int extraCertificates;

    private UpstreamTrust(X509TrustManager trustManager, SSLSocketFactory socketFactory, int extraCertificates) {
        this.trustManager = trustManager;
        this.socketFactory = socketFactory;
        this.extraCertificates = extraCertificates;
    }

    /** The system's trust store only: what a transport uses when nothing is configured. */
    public static UpstreamTrust system() {
        return SYSTEM;
    }

    /**
     * The system's trust store plus every certificate in {@code pemFile} (one or more {@code BEGIN CERTIFICATE}
     * blocks) as trust anchors.
     *
     * @throws IOException when the file cannot be read
     * @throws GeneralSecurityException when it holds no certificate or one that does not parse
     */
    public static UpstreamTrust systemPlus(Path pemFile) throws IOException, GeneralSecurityException {
        requireNonNull(pemFile, "pemFile");
        List<X509Certificate> extra = new ArrayList<>();
        try (InputStream in = Files.newInputStream(pemFile)) {
            Collection<? extends Certificate> parsed = CertificateFactory.getInstance("X.509").generateCertificates(in);
            for (Certificate c : parsed) {
                extra.add((X509Certificate) c);
            }
        }
        if (extra.isEmpty()) {
            throw new GeneralSecurityException("no PEM certificate in the file");
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        int alias = 0;
        for (X509Certificate anchor : systemTrustManager().getAcceptedIssuers()) {
            store.setCertificateEntry("system-" + alias++, anchor);
        }
        for (X509Certificate anchor : extra) {
            store.setCertificateEntry("extra-" + alias++, anchor);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        X509TrustManager trustManager = x509(factory.getTrustManagers());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {trustManager}, null);
        return new UpstreamTrust(trustManager, tls.getSocketFactory(), extra.size());
    }

    /** The trust manager to verify providers with. */
    public X509TrustManager trustManager() {
        try {
            return trustManager != null ? trustManager : systemTrustManager();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no default trust manager", e);
        }
    }

    /** How many certificates came from the file (0 for {@link #system()}). */
    public int extraCertificates() {
        return extraCertificates;
    }

    /** Socket factory and trust manager for OkHttp, or {@code null} for its own defaults (the system's). */
    SSLSocketFactory socketFactory() {
        return socketFactory;
    }

    private static X509TrustManager systemTrustManager() throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null); // null: the JDK's cacerts (or javax.net.ssl.trustStore)
        return x509(factory.getTrustManagers());
    }

    private static X509TrustManager x509(TrustManager[] managers) throws GeneralSecurityException {
        for (TrustManager m : managers) {
            if (m instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }
}
