package io.streamgate.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpstreamTrustTest {

    @TempDir
    Path dir;

    private final HeldCertificate ca = new HeldCertificate.Builder().certificateAuthority(0).build();
    private final HeldCertificate otherCa = new HeldCertificate.Builder().certificateAuthority(0).build();

    @Test
    void theFilesCertificatesAreTrustedInAdditionToTheSystemOnes() throws Exception {
        Path pem = Files.writeString(dir.resolve("cas.pem"), ca.certificatePem() + otherCa.certificatePem());

        UpstreamTrust trust = UpstreamTrust.systemPlus(pem);

        List<X509Certificate> system = List.of(UpstreamTrust.system().trustManager().getAcceptedIssuers());
        List<X509Certificate> accepted = List.of(trust.trustManager().getAcceptedIssuers());
        assertTrue(system.size() > 0, "the JDK ships a trust store");
        assertEquals(system.size() + 2, accepted.size());
        assertTrue(accepted.containsAll(system), "the system's CAs stay trusted");
        assertTrue(accepted.containsAll(List.of(ca.certificate(), otherCa.certificate())));
        assertEquals(2, trust.extraCertificates());
    }

    @Test
    void aProviderSignedByTheExtraCaIsReachedOnlyWithIt() throws Exception {
        HeldCertificate localhost = new HeldCertificate.Builder()
                .addSubjectAlternativeName("localhost").signedBy(ca).build();
        HandshakeCertificates server = new HandshakeCertificates.Builder()
                .heldCertificate(localhost, ca.certificate()).build();
        Path pem = Files.writeString(dir.resolve("ca.pem"), ca.certificatePem());
        try (MockWebServer provider = new MockWebServer()) {
            provider.useHttps(server.sslSocketFactory());
            provider.enqueue(new MockResponse.Builder().body("ok").build());
            provider.start();
            Request request = new Request.Builder().url(provider.url("/v1")).build();

            OkHttpClient plain = UpstreamClients.create(UpstreamClients.Settings.defaults());
            OkHttpClient trusting = UpstreamClients.create(UpstreamClients.Settings.defaults(), UpstreamTrust.systemPlus(pem));
            try {
                assertThrows(javax.net.ssl.SSLHandshakeException.class, () -> plain.newCall(request).execute().close());
                try (Response response = trusting.newCall(request).execute()) {
                    assertEquals("ok", response.body().string());
                }
            } finally {
                for (OkHttpClient c : List.of(plain, trusting)) {
                    c.dispatcher().executorService().shutdown();
                    c.connectionPool().evictAll();
                }
            }
        }
    }

    @Test
    void aFileWithoutACertificateOrMissingIsRefused() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        Path garbage = Files.writeString(dir.resolve("garbage.pem"),
                "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");

        assertThrows(GeneralSecurityException.class, () -> UpstreamTrust.systemPlus(empty));
        assertThrows(CertificateException.class, () -> UpstreamTrust.systemPlus(garbage));
        assertThrows(NoSuchFileException.class, () -> UpstreamTrust.systemPlus(dir.resolve("missing.pem")));
    }
}
