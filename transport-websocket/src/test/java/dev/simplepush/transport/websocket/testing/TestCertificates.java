package dev.simplepush.transport.websocket.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * Self-signed server certificates made in the test, for {@code 127.0.0.1}, {@code ::1} and {@code localhost}, written
 * as PEM files, and the client side that trusts them.
 */
public final class TestCertificates {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    /** How a private key is written. */
    public enum KeyFormat {
        /** {@code BEGIN PRIVATE KEY}. */
        PKCS8,
        /** {@code BEGIN RSA PRIVATE KEY} or {@code BEGIN EC PRIVATE KEY}. */
        TRADITIONAL
    }

    /**
     * One certificate and its key.
     *
     * @param certificate the self-signed certificate
     * @param key its private key
     */
    public record Issued(X509Certificate certificate, PrivateKey key) {

        /** The certificate as PEM. */
        public String certificatePem() {
            return pem(certificate);
        }

        /** The key as PEM in {@code format}. */
        public String keyPem(KeyFormat format) {
            try {
                if (format == KeyFormat.PKCS8) {
                    return pem(new JcaPKCS8Generator(key, null).generate());
                }
                if (key.getAlgorithm().equals("EC")) {
                    // As openssl writes it: the curve inside the key (the JDK's encoding has it only outside).
                    PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
                    ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
                    ECPrivateKey withCurve = new ECPrivateKey(256, inner.getKey(), inner.getPublicKey(),
                            info.getPrivateKeyAlgorithm().getParameters());
                    return pem(new PemObject("EC PRIVATE KEY", withCurve.getEncoded()));
                }
                return pem(key);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Writes the certificate to {@code chain} and the key to {@code keyFile}, each replaced at once (a move). */
        public void writeTo(Path chain, Path keyFile, KeyFormat format) {
            replace(chain, certificatePem());
            replace(keyFile, keyPem(format));
        }

        /** Writes the certificate and the key as {@code chain.pem} and {@code key.pem} into {@code folder}. */
        public Written writeInto(Path folder, KeyFormat format) {
            Written written = new Written(folder.resolve("chain.pem"), folder.resolve("key.pem"));
            writeTo(written.chain(), written.key(), format);
            return written;
        }

        /** A client context that trusts this certificate alone. */
        public SSLContext clientContext() {
            try {
                KeyStore trusted = KeyStore.getInstance("PKCS12");
                trusted.load(null, null);
                trusted.setCertificateEntry("server", certificate);
                TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(trusted);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, trust.getTrustManagers(), null);
                return context;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException("cannot make a client context", e);
            }
        }
    }

    /**
     * Where {@link Issued#writeInto} wrote a pair.
     *
     * @param chain the certificate file
     * @param key the key file
     */
    public record Written(Path chain, Path key) {
    }

    private TestCertificates() {
    }

    /** A fresh EC (P-256) certificate named {@code commonName}, valid from an hour ago for a day. */
    public static Issued ec(String commonName) {
        return issue(commonName, "EC", 256, "SHA256withECDSA");
    }

    /** A fresh RSA (2048 bits) certificate named {@code commonName}, valid from an hour ago for a day. */
    public static Issued rsa(String commonName) {
        return issue(commonName, "RSA", 2048, "SHA256withRSA");
    }

    private static Issued issue(String commonName, String algorithm, int bits, String signature) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            generator.initialize(bits);
            KeyPair pair = generator.generateKeyPair();
            X500Principal name = new X500Principal("CN=" + commonName);
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(Duration.ofDays(1))), name, pair.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                    new GeneralName(GeneralName.iPAddress, "::1"),
                    new GeneralName(GeneralName.dNSName, "localhost")}));
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(signature).build(pair.getPrivate())));
            return new Issued(certificate, pair.getPrivate());
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot make a test certificate", e);
        }
    }

    private static String pem(Object item) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(item);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    /** Writes {@code text} to a file beside {@code file}, then moves it in place: readers never see half of it. */
    private static void replace(Path file, String text) {
        try {
            Path written = Files.createTempFile(file.toAbsolutePath().getParent(), "pem", ".tmp");
            Files.writeString(written, text, StandardCharsets.US_ASCII);
            Files.move(written, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
