package dev.simplepush.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simplepush.core.testing.Es256;
import java.nio.ByteBuffer;
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
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
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
        Subscription endpoint = new Subscription(Uaid.random(), ChannelId.of(channelText), Optional.empty(),
                Subscription.newGeneration());

        Optional<Subscription> decoded = decodeText(tokens, tokens.encodeSimplePush(endpoint).value());

        assertThat(decoded).contains(endpoint);
        assertThat(decoded.orElseThrow().channelId().value()).isEqualTo(channelText);
    }

    @Test
    void tokenIsUrlSafeBase64WithoutPadding() {
        for (int i = 0; i < 500; i++) {
            String token = tokens.encodeSimplePush(randomEndpoint(i % 2 == 0)).value();

            assertThat(token).matches("[A-Za-z0-9_-]+");
        }
    }

    @Test
    void tokenRevealsNeitherUaidNorChannel() {
        Subscription endpoint = randomEndpoint(true);
        String uaid = endpoint.uaid().value();
        String channel = endpoint.channelId().value();

        String token = tokens.encodeSimplePush(endpoint).value();
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
        Subscription endpoint = randomEndpoint(true);

        String first = tokens.encodeSimplePush(endpoint).value();
        String second = tokens.encodeSimplePush(endpoint).value();

        assertThat(first).isNotEqualTo(second);
        assertThat(decodeText(tokens, first)).contains(endpoint);
        assertThat(decodeText(tokens, second)).contains(endpoint);
    }

    @Test
    void everyFlippedBitMakesTheTokenUndecodable() {
        Subscription endpoint = randomEndpoint(false);
        byte[] raw = URL_DECODER.decode(tokens.encodeSimplePush(endpoint).value());

        for (int i = 0; i < raw.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] tampered = raw.clone();
                tampered[i] ^= (byte) (1 << bit);

                assertThat(decodeText(tokens, URL_ENCODER.encodeToString(tampered)))
                        .as("byte %d bit %d flipped", i, bit).isEmpty();
            }
        }
    }

    @Test
    void everyTruncationOfATokenIsUndecodable() {
        String token = tokens.encodeSimplePush(randomEndpoint(true)).value();

        for (int length = 0; length < token.length(); length++) {
            assertThat(decodeText(tokens, token.substring(0, length))).as("first %d chars", length).isEmpty();
        }
    }

    @Test
    void tokenWithExtraCharactersIsUndecodable() {
        String token = tokens.encodeSimplePush(randomEndpoint(true)).value();

        assertThat(decodeText(tokens, token + "A")).isEmpty();
        assertThat(decodeText(tokens, token + "AAAA")).isEmpty();
        assertThat(decodeText(tokens, "A" + token)).isEmpty();
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
        assertThat(decodeText(tokens, garbage)).isEmpty();
    }

    @Test
    void randomInputNeverDecodesAndNeverThrows() {
        Random random = new Random(20261126L);
        for (int i = 0; i < 5_000; i++) {
            byte[] bytes = new byte[random.nextInt(120)];
            random.nextBytes(bytes);
            if (bytes.length > 0 && random.nextBoolean()) {
                // Mostly well-formed looking tokens: right format byte, random nonce and ciphertext.
                bytes[0] = (byte) (random.nextBoolean() ? 1 : 5);
            }
            String asBase64 = URL_ENCODER.encodeToString(bytes);
            String asText = new String(bytes, StandardCharsets.ISO_8859_1);

            assertThat(decodeText(tokens, asBase64)).isEmpty();
            assertThat(decodeText(tokens, asText)).isEmpty();
        }
        assertThat(decodeText(tokens, "A".repeat(100_000))).isEmpty();
    }

    @Test
    void tokenFromAnotherKeyIsUndecodable() {
        EndpointTokens other = EndpointTokens.withRandomKey();
        Subscription endpoint = randomEndpoint(true);

        assertThat(decodeText(tokens, other.encodeSimplePush(endpoint).value())).isEmpty();
        assertThat(decodeText(other, tokens.encodeSimplePush(endpoint).value())).isEmpty();
    }

    @Test
    void tokenUnderOldKeyStillDecodesAfterRotation() {
        String newKey = EndpointTokens.randomKey();
        Subscription endpoint = randomEndpoint(true);
        String oldToken = tokens.encodeSimplePush(endpoint).value();

        EndpointTokens rotated = EndpointTokens.fromBase64Keys(List.of(newKey, key));

        assertThat(decodeText(rotated, oldToken)).contains(endpoint);
    }

    @Test
    void newTokensAfterRotationUseTheNewKey() {
        String newKey = EndpointTokens.randomKey();
        EndpointTokens rotated = EndpointTokens.fromBase64Keys(List.of(newKey, key));
        Subscription endpoint = randomEndpoint(true);

        String token = rotated.encodeSimplePush(endpoint).value();

        assertThat(decodeText(EndpointTokens.fromBase64Keys(List.of(newKey)), token)).contains(endpoint);
        assertThat(decodeText(tokens, token)).isEmpty();
    }

    @Test
    void shorterAesKeysWork() {
        for (int length : new int[] {16, 24}) {
            byte[] keyBytes = new byte[length];
            new Random(length).nextBytes(keyBytes);
            EndpointTokens shortKeyTokens =
                    EndpointTokens.fromBase64Keys(List.of(Base64.getEncoder().encodeToString(keyBytes)));
            Subscription endpoint = randomEndpoint(true);

            assertThat(decodeText(shortKeyTokens, shortKeyTokens.encodeSimplePush(endpoint).value()))
                    .contains(endpoint);
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
                        Subscription endpoint = randomEndpoint(i % 2 == 0);
                        // Decoding an old-key token makes the shared ring try, and fail with, the first key.
                        String fresh = rotated.encodeSimplePush(endpoint).value();
                        String old = tokens.encodeSimplePush(endpoint).value();
                        if (!decodeText(rotated, fresh).equals(Optional.of(endpoint))
                                || !decodeText(rotated, old).equals(Optional.of(endpoint))) {
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

    private static Subscription randomEndpoint(boolean dashed) {
        String uuid = UUID.randomUUID().toString();
        return new Subscription(Uaid.random(), ChannelId.of(dashed ? uuid : uuid.replace("-", "")), Optional.empty(),
                Subscription.newGeneration());
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

    /** What an endpoint does with the last segment of its path: parse it as a token, then decode it. */
    private static Optional<Subscription> decodeText(EndpointTokens tokens, String text) {
        return EndpointToken.parse(text).flatMap(tokens::decodeSimplePush);
    }

    // ---- generations (P3.5) ---------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(longs = {Long.MIN_VALUE, -1, 1, (1L << 53) + 1, Long.MAX_VALUE})
    void simplePushTokensSealTheRegistrationsGeneration_P3_5(long generation) {
        Subscription registration = new Subscription(Uaid.random(), ChannelId.of(UUID.randomUUID().toString()),
                Optional.empty(), generation);

        assertThat(decodeText(tokens, tokens.encodeSimplePush(registration).value())).contains(registration);
    }

    @ParameterizedTest
    @ValueSource(strings = {"d9b74644-4f97-46aa-b8fa-9393985cd6cd", "D9B746444F9746AAB8FA9393985CD6CD",
        "d9B74644-4f97-46Aa-b8FA-9393985cd6Cd"})
    void tokensMintedBeforeGenerationsDecodeWithoutOne_P3_5(String channelText) throws Exception {
        Uaid uaid = Uaid.random();
        ChannelId channel = ChannelId.of(channelText);

        String legacy = legacyToken(uaid, channelText);

        assertThat(decodeText(tokens, legacy))
                .contains(new Subscription(uaid, channel, Optional.empty(), Subscription.NO_GENERATION));
        assertThat(tokens.decodeSubscription(new EndpointToken(legacy), false)).isEmpty();
    }

    @Test
    void aSimplePushRegistrationWithAKeyHashHasNoToken() {
        Subscription keyed = new Subscription(Uaid.random(), ChannelId.of(UUID.randomUUID().toString()),
                Optional.of(URL_ENCODER.encodeToString(new byte[32])), 1);

        assertThatThrownBy(() -> tokens.encodeSimplePush(keyed)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * A token as this server minted them before registrations had generations: format 1, AES-GCM under {@link #key}
     * with the format byte as associated data, over uaid | channel spelling | channel (16 bytes, or the text).
     */
    private String legacyToken(Uaid uaid, String channel) throws Exception {
        byte spelling;
        byte[] channelBytes;
        String plain = channel.replace("-", "");
        if (channel.equals(channel.toLowerCase(Locale.ROOT))) {
            spelling = (byte) (channel.length() == 36 ? 0 : 1);
            channelBytes = HexFormat.of().parseHex(plain);
        } else if (channel.equals(channel.toUpperCase(Locale.ROOT))) {
            spelling = (byte) (channel.length() == 36 ? 2 : 3);
            channelBytes = HexFormat.of().parseHex(plain);
        } else {
            spelling = 4;
            channelBytes = channel.getBytes(StandardCharsets.US_ASCII);
        }
        ByteBuffer clear = ByteBuffer.allocate(17 + channelBytes.length);
        clear.put(uaid.toBytes()).put(spelling).put(channelBytes);
        byte[] nonce = new byte[12];
        new Random().nextBytes(nonce);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE,
                new SecretKeySpec(Base64.getDecoder().decode(key), "AES"),
                new GCMParameterSpec(128, nonce));
        cipher.updateAAD(new byte[] {1});
        byte[] sealed = cipher.doFinal(clear.array());
        ByteBuffer token = ByteBuffer.allocate(1 + nonce.length + sealed.length);
        token.put((byte) 1).put(nonce).put(sealed);
        return URL_ENCODER.encodeToString(token.array());
    }

    // ---- Web Push subscriptions and message ids (W4.2, W5.2) ----------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"d9b74644-4f97-46aa-b8fa-9393985cd6cd", "d9B74644-4f97-46Aa-b8FA-9393985cd6Cd"})
    void subscriptionTokensRoundTripWithAndWithoutKeyHashW4_2(String channelText) {
        Uaid uaid = Uaid.random();
        Subscription open = new Subscription(uaid, ChannelId.of(channelText), Optional.empty(), Long.MIN_VALUE);
        Subscription restricted = new Subscription(uaid, ChannelId.of(channelText),
                Optional.of(VapidKey.parse(Es256.WEB_PUSH_KEY).orElseThrow().hash()), Subscription.newGeneration());

        EndpointToken openToken = tokens.encode(open);
        EndpointToken restrictedToken = tokens.encode(restricted);

        assertThat(tokens.decodeSubscription(openToken, false)).contains(open);
        assertThat(tokens.decodeSubscription(restrictedToken, true)).contains(restricted);
        assertThat(restrictedToken.value()).doesNotContain(restricted.keyHash().get());
    }

    @Test
    void eachKindOfTokenDecodesOnlyAsItselfW4_2() {
        Uaid uaid = Uaid.random();
        ChannelId channel = ChannelId.of("d9b74644-4f97-46aa-b8fa-9393985cd6cd");
        Subscription open = new Subscription(uaid, channel, Optional.empty(), 1);
        Subscription restricted = new Subscription(uaid, channel, Optional.of(URL_ENCODER.encodeToString(new byte[32])),
                -1);
        EndpointToken simplePush = tokens.encodeSimplePush(new Subscription(uaid, channel, Optional.empty(), 1));
        EndpointToken openToken = tokens.encode(open);
        EndpointToken restrictedToken = tokens.encode(restricted);
        MessageId id = tokens.newMessageId(open);

        assertThat(tokens.decodeSubscription(simplePush, false)).isEmpty();
        assertThat(tokens.decodeSubscription(simplePush, true)).isEmpty();
        assertThat(tokens.decodeSubscription(openToken, true)).as("v1 on /wpush/v2/").isEmpty();
        assertThat(tokens.decodeSubscription(restrictedToken, false)).as("v2 on /wpush/v1/").isEmpty();
        assertThat(tokens.decodeSimplePush(openToken)).as("Web Push token on /update/").isEmpty();
        assertThat(tokens.decodeSimplePush(new EndpointToken(id.value()))).isEmpty();
        assertThat(tokens.decode(new MessageId(simplePush.value()))).isEmpty();
        assertThat(tokens.decodeSubscription(new EndpointToken(id.value()), false)).isEmpty();
        assertThat(tokens.decode(new MessageId(openToken.value()))).isEmpty();
        assertThat(tokens.decode(id)).contains(new Endpoint(uaid, channel));
    }

    @Test
    void messageIdsAreUniqueUnforgeableAndOnlyThisServersW5_2() {
        Subscription subscription = new Subscription(Uaid.random(), ChannelId.of("01234567890123456789012345678901"),
                Optional.empty(), Subscription.newGeneration());
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < 1000; i++) {
            ids.add(tokens.newMessageId(subscription).value());
        }
        assertThat(ids).hasSize(1000).allMatch(id -> id.matches("[A-Za-z0-9_-]+"));

        String id = ids.iterator().next();
        byte[] raw = URL_DECODER.decode(id);
        raw[raw.length / 2] ^= 1;
        assertThat(tokens.decode(new MessageId(URL_ENCODER.encodeToString(raw)))).as("tampered").isEmpty();
        EndpointTokens other = EndpointTokens.withRandomKey();
        assertThat(other.decode(new MessageId(id))).as("another server's key").isEmpty();
    }

    @Test
    void noNonceIsUsedTwiceUnderAKeyAcrossThreadsAndAcrossNodesThatShareItW5_2() throws Exception {
        // GCM loses its confidentiality and integrity if a nonce repeats under a key; the key is shared by every node.
        List<EndpointTokens> nodes = List.of(tokens, EndpointTokens.fromBase64Keys(List.of(key)));
        Subscription subscription = new Subscription(Uaid.random(), ChannelId.of("01234567890123456789012345678901"),
                Optional.empty(), Subscription.newGeneration());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<String>>> batches = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                EndpointTokens node = nodes.get(t % 2);
                batches.add(pool.submit(() -> {
                    List<String> nonces = new ArrayList<>();
                    for (int i = 0; i < 5000; i++) {
                        byte[] raw = URL_DECODER.decode(node.newMessageId(subscription).value());
                        nonces.add(HexFormat.of().formatHex(raw, 1, 13));
                    }
                    return nonces;
                }));
            }
            java.util.Set<String> all = new java.util.HashSet<>();
            for (Future<List<String>> batch : batches) {
                all.addAll(batch.get(30, TimeUnit.SECONDS));
            }
            assertThat(all).hasSize(4 * 5000);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aNonceTellsNothingOfHowManyIdsTheNodeSealedW5_2() {
        // An app server sees the ids of its messages in clear (Location): their nonces must not count the node's.
        Subscription subscription = new Subscription(Uaid.random(), ChannelId.of("01234567890123456789012345678901"),
                Optional.empty(), Subscription.newGeneration());
        java.util.Set<Long> steps = new java.util.HashSet<>();
        java.util.Set<Integer> heads = new java.util.HashSet<>();
        long previous = 0;
        for (int i = 0; i < 200; i++) {
            ByteBuffer nonce = ByteBuffer.wrap(URL_DECODER.decode(tokens.newMessageId(subscription).value()), 1, 12);
            heads.add(nonce.getInt());
            long tail = nonce.getLong();
            if (i > 0) {
                steps.add(tail - previous);
            }
            previous = tail;
        }
        assertThat(steps).as("steps between consecutive nonces").hasSizeGreaterThan(150);
        assertThat(heads).as("leading 4 bytes of the nonces").hasSizeGreaterThan(150);
    }

    @Test
    void aKeyFingerprintIsAShortHashOfItsBytesThatNeverQuotesTheKey() throws Exception {
        byte[] bytes = Base64.getDecoder().decode(key);
        String expected = HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(bytes), 0, 4);

        assertThat(EndpointTokens.fingerprint(key)).isEqualTo(expected).matches("[0-9a-f]{8}");
        assertThat(EndpointTokens.fingerprint(" " + key + " ")).as("the key, not its spelling").isEqualTo(expected);
        assertThat(EndpointTokens.fingerprint(EndpointTokens.randomKey())).isNotEqualTo(expected);
        assertThatThrownBy(() -> EndpointTokens.fingerprint("not a key")).isInstanceOf(IllegalArgumentException.class);
    }
}
