package dev.simplepush.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointTokensTest {

    private static final Base64.Encoder URL_ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder URL_DECODER = Base64.getUrlDecoder();

    private final String key = EndpointTokens.randomKey();
    private final EndpointTokens tokens = EndpointTokens.fromBase64Keys(List.of(key));

    @ParameterizedTest
    @ValueSource(strings = {
        "d9b74644-4f97-46aa-b8fa-9393985cd6cd",
        "D9B74644-4F97-46AA-B8FA-9393985CD6CD",
        "d9b746444f9746aab8fa9393985cd6cd",
        "D9B746444F9746AAB8FA9393985CD6CD",
        "d9B74644-4f97-46Aa-b8FA-9393985cd6Cd",
        "D9b746444f9746AAb8fa9393985cd6CD",
        "01234567-8901-2345-6789-012345678901",
        "01234567890123456789012345678901"
    })
    void tokenRoundTripsEveryChannelSpellingExactly(String channelText) {
        Endpoint endpoint = new Endpoint(Uaid.random(), ChannelId.of(channelText));

        Optional<Endpoint> decoded = tokens.decode(tokens.encode(endpoint));

        assertThat(decoded).contains(endpoint);
        assertThat(decoded.orElseThrow().channelId().value()).isEqualTo(channelText);
    }

    @Test
    void tokenIsUrlSafeBase64WithoutPadding() {
        for (int i = 0; i < 500; i++) {
            String token = tokens.encode(randomEndpoint(i % 2 == 0));

            assertThat(token).matches("[A-Za-z0-9_-]+");
        }
    }

    @Test
    void tokenRevealsNeitherUaidNorChannel() {
        Endpoint endpoint = randomEndpoint(true);
        String uaid = endpoint.uaid().value();
        String channel = endpoint.channelId().value();

        String token = tokens.encode(endpoint);
        byte[] raw = URL_DECODER.decode(token);

        assertThat(token.toLowerCase(Locale.ROOT)).doesNotContain(uaid).doesNotContain(channel)
                .doesNotContain(channel.replace("-", "")).doesNotContain(uaid.substring(0, 8))
                .doesNotContain(channel.substring(0, 8));
        assertThat(indexOf(raw, endpoint.uaid().toBytes())).isEqualTo(-1);
        assertThat(indexOf(raw, HexFormat.of().parseHex(channel.replace("-", "")))).isEqualTo(-1);
        assertThat(indexOf(raw, channel.getBytes(StandardCharsets.US_ASCII))).isEqualTo(-1);
        assertThat(indexOf(raw, uaid.getBytes(StandardCharsets.US_ASCII))).isEqualTo(-1);
    }

    @Test
    void encodingTwiceGivesDifferentTokensForOneEndpoint() {
        Endpoint endpoint = randomEndpoint(true);

        String first = tokens.encode(endpoint);
        String second = tokens.encode(endpoint);

        assertThat(first).isNotEqualTo(second);
        assertThat(tokens.decode(first)).contains(endpoint);
        assertThat(tokens.decode(second)).contains(endpoint);
    }

    @Test
    void everyFlippedBitMakesTheTokenUndecodable() {
        Endpoint endpoint = randomEndpoint(false);
        byte[] raw = URL_DECODER.decode(tokens.encode(endpoint));

        for (int i = 0; i < raw.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] tampered = raw.clone();
                tampered[i] ^= (byte) (1 << bit);

                assertThat(tokens.decode(URL_ENCODER.encodeToString(tampered)))
                        .as("byte %d bit %d flipped", i, bit).isEmpty();
            }
        }
    }

    @Test
    void everyTruncationOfATokenIsUndecodable() {
        String token = tokens.encode(randomEndpoint(true));

        for (int length = 0; length < token.length(); length++) {
            assertThat(tokens.decode(token.substring(0, length))).as("first %d chars", length).isEmpty();
        }
    }

    @Test
    void tokenWithExtraCharactersIsUndecodable() {
        String token = tokens.encode(randomEndpoint(true));

        assertThat(tokens.decode(token + "A")).isEmpty();
        assertThat(tokens.decode(token + "AAAA")).isEmpty();
        assertThat(tokens.decode("A" + token)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        " ",
        "=",
        "====",
        "not a token",
        "a+b/c==",
        "%00%ff",
        "AQ",
        "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "d9b74644-4f97-46aa-b8fa-9393985cd6cd",
        "\u0000\u0001\u00ff",
        "\ud83d\ude00"
    })
    void garbageIsUndecodable(String garbage) {
        assertThat(tokens.decode(garbage)).isEmpty();
    }

    @Test
    void randomInputNeverDecodesAndNeverThrows() {
        Random random = new Random(20261126L);
        for (int i = 0; i < 5_000; i++) {
            byte[] bytes = new byte[random.nextInt(120)];
            random.nextBytes(bytes);
            if (bytes.length > 0 && random.nextBoolean()) {
                // Mostly well-formed looking tokens: right format byte, random nonce and ciphertext.
                bytes[0] = 1;
            }
            String asBase64 = URL_ENCODER.encodeToString(bytes);
            String asText = new String(bytes, StandardCharsets.ISO_8859_1);

            assertThat(tokens.decode(asBase64)).isEmpty();
            assertThat(tokens.decode(asText)).isEmpty();
        }
        assertThat(tokens.decode("A".repeat(100_000))).isEmpty();
    }

    @Test
    void tokenFromAnotherKeyIsUndecodable() {
        EndpointTokens other = EndpointTokens.withRandomKey();
        Endpoint endpoint = randomEndpoint(true);

        assertThat(tokens.decode(other.encode(endpoint))).isEmpty();
        assertThat(other.decode(tokens.encode(endpoint))).isEmpty();
    }

    @Test
    void tokenUnderOldKeyStillDecodesAfterRotation() {
        String newKey = EndpointTokens.randomKey();
        Endpoint endpoint = randomEndpoint(true);
        String oldToken = tokens.encode(endpoint);

        EndpointTokens rotated = EndpointTokens.fromBase64Keys(List.of(newKey, key));

        assertThat(rotated.decode(oldToken)).contains(endpoint);
    }

    @Test
    void newTokensAfterRotationUseTheNewKey() {
        String newKey = EndpointTokens.randomKey();
        EndpointTokens rotated = EndpointTokens.fromBase64Keys(List.of(newKey, key));
        Endpoint endpoint = randomEndpoint(true);

        String token = rotated.encode(endpoint);

        assertThat(EndpointTokens.fromBase64Keys(List.of(newKey)).decode(token)).contains(endpoint);
        assertThat(tokens.decode(token)).isEmpty();
    }

    @Test
    void shorterAesKeysWork() {
        for (int length : new int[] {16, 24}) {
            byte[] keyBytes = new byte[length];
            new Random(length).nextBytes(keyBytes);
            EndpointTokens shortKeyTokens =
                    EndpointTokens.fromBase64Keys(List.of(Base64.getEncoder().encodeToString(keyBytes)));
            Endpoint endpoint = randomEndpoint(true);

            assertThat(shortKeyTokens.decode(shortKeyTokens.encode(endpoint))).contains(endpoint);
        }
    }

    @Test
    void invalidKeyRingsAreRejected() {
        assertThatThrownBy(() -> EndpointTokens.fromBase64Keys(List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EndpointTokens.fromBase64Keys(List.of("not base64!")))
                .isInstanceOf(IllegalArgumentException.class);
        String twentyBytes = Base64.getEncoder().encodeToString(new byte[20]);
        assertThatThrownBy(() -> EndpointTokens.fromBase64Keys(List.of(twentyBytes)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void concurrentEncodingAndDecodingAgree() throws Exception {
        EndpointTokens rotated = EndpointTokens.fromBase64Keys(List.of(EndpointTokens.randomKey(), key));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        Endpoint endpoint = randomEndpoint(i % 2 == 0);
                        // Decoding an old-key token makes the shared ring try, and fail with, the first key.
                        if (!rotated.decode(rotated.encode(endpoint)).equals(Optional.of(endpoint))
                                || !rotated.decode(tokens.encode(endpoint)).equals(Optional.of(endpoint))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get(5, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static Endpoint randomEndpoint(boolean dashed) {
        String uuid = UUID.randomUUID().toString();
        return new Endpoint(Uaid.random(), ChannelId.of(dashed ? uuid : uuid.replace("-", "")));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
