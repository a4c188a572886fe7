package dev.simplepush.transport.websocket.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simplepush.transport.websocket.testing.TestCertificates;
import dev.simplepush.transport.websocket.testing.TestCertificates.Issued;
import dev.simplepush.transport.websocket.testing.TestCertificates.KeyFormat;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OutputEncryptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemContextsTest {

    private static final String EC_PARAMETERS_P256 = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n"
            + "-----END EC PARAMETERS-----\n";

    @TempDir
    Path folder;

    @Test
    void readsPkcs8AndTraditionalRsaAndEcKeys() throws IOException {
        for (Issued issued : new Issued[] {TestCertificates.rsa("rsa"), TestCertificates.ec("ec")}) {
            for (KeyFormat format : KeyFormat.values()) {
                Path chain = write("chain.pem", issued.certificatePem());
                Path key = write("key.pem", issued.keyPem(format));

                assertThat(PemContexts.load(chain, key).getProtocol()).as(issued.key().getAlgorithm() + " " + format)
                        .isEqualTo("TLS");
            }
        }
    }

    @Test
    void skipsTheEcParametersThatOpensslWritesBeforeAnEcKey() throws IOException {
        Issued issued = TestCertificates.ec("ec");
        Path chain = write("chain.pem", issued.certificatePem());
        Path key = write("key.pem", EC_PARAMETERS_P256 + issued.keyPem(KeyFormat.TRADITIONAL));

        assertThat(PemContexts.load(chain, key)).isNotNull();
    }

    @Test
    void keepsTheWholeChainInItsOrder() throws IOException {
        Issued server = TestCertificates.ec("server");
        Issued intermediate = TestCertificates.rsa("intermediate");
        Path chain = write("chain.pem", server.certificatePem() + intermediate.certificatePem());

        assertThat(PemContexts.readChain(chain)).containsExactly(server.certificate(), intermediate.certificate());
    }

    @Test
    void refusesWhatIsNotAPairNamingTheFile() throws IOException {
        Issued issued = TestCertificates.ec("ec");
        Path chain = write("chain.pem", issued.certificatePem());
        Path otherKey = write("other.pem", TestCertificates.ec("other").keyPem(KeyFormat.PKCS8));
        assertThatThrownBy(() -> PemContexts.load(chain, otherKey)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(otherKey + ": the private key is not the key of the first certificate");

        Path keyAsChain = write("keychain.pem", issued.keyPem(KeyFormat.PKCS8));
        assertThatThrownBy(() -> PemContexts.load(keyAsChain, otherKey))
                .hasMessageStartingWith(keyAsChain + ": expected only certificates");

        Path empty = write("empty.pem", "");
        assertThatThrownBy(() -> PemContexts.load(empty, otherKey)).hasMessageStartingWith(empty + ": no certificate");
        assertThatThrownBy(() -> PemContexts.load(chain, empty)).hasMessageStartingWith(empty + ": no private key");

        assertThatThrownBy(() -> PemContexts.load(chain, chain)).hasMessageStartingWith(chain + ": expected a private");

        Path damaged = write("damaged.pem", "-----BEGIN PRIVATE KEY-----\n@@@@\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> PemContexts.load(chain, damaged))
                .hasMessageStartingWith(damaged + ": not a readable PEM private key");

        Path missing = folder.resolve("missing.pem");
        assertThatThrownBy(() -> PemContexts.load(missing, otherKey))
                .hasMessageStartingWith(missing + ": not a readable PEM certificate chain");
    }

    @Test
    void refusesAnEncryptedKey() throws Exception {
        Issued issued = TestCertificates.ec("ec");
        Path chain = write("chain.pem", issued.certificatePem());
        OutputEncryptor encryptor = new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                .setProvider(new BouncyCastleProvider()).setPassword("secret".toCharArray()).build();
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
            writer.writeObject(new JcaPKCS8Generator(issued.key(), encryptor));
        }
        Path encrypted = write("encrypted.pem", pem.toString());

        assertThatThrownBy(() -> PemContexts.load(chain, encrypted)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(encrypted + ": the private key is encrypted");
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(folder.resolve(name), text);
    }
}
