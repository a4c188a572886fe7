package dev.simplepush.transport.websocket.internal.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link SSLContext} serving the certificate chain and private key of two PEM files. The key may be PKCS#8 or the
 * traditional RSA or EC form, not encrypted; it must be the key of the chain's first certificate. Every refusal is
 * an {@link IllegalArgumentException} whose message names the file and what is wrong with it.
 *
 * <p>Reads the files: blocks, so it runs at start and on the scheduler, never on an I/O thread.
 */
public final class PemContexts {

    private static final Logger LOG = LoggerFactory.getLogger(PemContexts.class);
    private static final char[] NO_PASSWORD = new char[0];

    private PemContexts() {
    }

    /**
     * A server context of the chain in {@code certificateChain} and the key in {@code privateKey}.
     *
     * @throws IllegalArgumentException if a file cannot be read, holds no certificate or no key, holds something
     *     else, holds an encrypted key, or the key is not the first certificate's
     */
    public static SSLContext load(Path certificateChain, Path privateKey) {
        List<X509Certificate> chain = readChain(certificateChain);
        PrivateKey key = readKey(privateKey);
        requireMatch(chain.get(0), key, certificateChain, privateKey);
        warnIfNotValidNow(chain.get(0), certificateChain);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", key, NO_PASSWORD, chain.toArray(new X509Certificate[0]));
            KeyManagerFactory keys = KeyManagerFactory.getInstance("SunX509");
            keys.init(store, NO_PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot make a TLS context of " + certificateChain + " and "
                    + privateKey + ": " + e.getMessage(), e);
        }
    }

    /** The certificates of {@code file} in their order; at least one. */
    static List<X509Certificate> readChain(Path file) {
        List<X509Certificate> chain = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
                if (!(item instanceof X509CertificateHolder holder)) {
                    throw new IllegalArgumentException(file + ": expected only certificates (BEGIN CERTIFICATE), found "
                            + describe(item));
                }
                chain.add(converter.getCertificate(holder));
            }
        } catch (IOException | GeneralSecurityException | IllegalStateException e) {
            // IllegalStateException: Bouncy Castle's base64 decoder on a damaged block
            throw new IllegalArgumentException(file + ": not a readable PEM certificate chain: " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException(file + ": no certificate (BEGIN CERTIFICATE) in it");
        }
        return chain;
    }

    private static PrivateKey readKey(Path file) {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        PrivateKey key = null;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
                PrivateKey found;
                if (item instanceof PrivateKeyInfo info) {
                    found = converter.getPrivateKey(info);
                } else if (item instanceof PEMKeyPair pair) {
                    // The traditional form may leave the public key out (an EC key without it), so only the private part.
                    found = converter.getPrivateKey(pair.getPrivateKeyInfo());
                } else if (item instanceof ASN1ObjectIdentifier || item instanceof X9ECParameters) {
                    continue; // the BEGIN EC PARAMETERS block that openssl writes before an EC key
                } else if (item instanceof PEMEncryptedKeyPair || item instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new IllegalArgumentException(file + ": the private key is encrypted; give it unencrypted");
                } else {
                    throw new IllegalArgumentException(file + ": expected a private key, found " + describe(item));
                }
                if (key != null) {
                    throw new IllegalArgumentException(file + ": more than one private key in it");
                }
                key = found;
            }
        } catch (IOException | IllegalStateException e) {
            throw new IllegalArgumentException(file + ": not a readable PEM private key: " + e.getMessage(), e);
        }
        if (key == null) {
            throw new IllegalArgumentException(file + ": no private key (BEGIN PRIVATE KEY, BEGIN RSA PRIVATE KEY or "
                    + "BEGIN EC PRIVATE KEY) in it");
        }
        return key;
    }

    /** The key signs a random challenge that the certificate's public key must verify. */
    private static void requireMatch(X509Certificate certificate, PrivateKey key, Path chainFile, Path keyFile) {
        PublicKey expected = certificate.getPublicKey();
        String algorithm = signatureAlgorithm(key, keyFile);
        boolean matches;
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(expected);
            verifier.update(challenge);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            matches = false;
        }
        if (!matches) {
            throw new IllegalArgumentException(keyFile + ": the private key is not the key of the first certificate in "
                    + chainFile + " (" + certificate.getSubjectX500Principal().getName() + ")");
        }
    }

    private static String signatureAlgorithm(PrivateKey key, Path keyFile) {
        return switch (key.getAlgorithm().toUpperCase(Locale.ROOT)) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "ED25519", "ED448", "EDDSA" -> "EdDSA";
            default -> throw new IllegalArgumentException(keyFile + ": unsupported key algorithm "
                    + key.getAlgorithm() + " (RSA, EC or EdDSA)");
        };
    }

    private static void warnIfNotValidNow(X509Certificate certificate, Path file) {
        try {
            certificate.checkValidity();
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            LOG.warn("the certificate in {} is not valid now (valid from {} to {}): clients will refuse it", file,
                    certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant());
        }
    }

    private static String describe(Object item) {
        return item.getClass().getSimpleName();
    }
}
