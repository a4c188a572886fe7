package dev.simplepush.transport.websocket.internal.webpush;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.simplepush.core.VapidKey;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Checks the VAPID credentials of a push request (W7, RFC 8292): reads the {@code Authorization} header in the forms
 * of W7.1, verifies the JWT's ES256 signature under the key it names, and its {@code exp} and {@code aud} claims
 * (W7.2). Whether a valid key is the one a subscription was restricted to (W7.3) is the caller's check, against
 * {@link VapidKey#hash()}.
 *
 * <p>The reasons of {@link Invalid} are short, fixed texts (the expected origin aside), safe for an error body's
 * {@code message}: they never echo the token or the key.
 *
 * <p>Stateless and thread-safe.
 */
public final class VapidVerifier {

    /** The furthest ahead a token's {@code exp} may be (W7.2), before {@link #CLOCK_SLACK}. */
    public static final Duration MAX_LIFETIME = Duration.ofHours(24);

    /**
     * Slack on the upper bound of {@code exp} only, for an app server whose clock runs ahead of this one's: a token
     * made for exactly 24 hours is still accepted when that clock is up to a minute fast. An {@code exp} at or
     * before the current time is refused without slack.
     */
    public static final Duration CLOCK_SLACK = Duration.ofSeconds(60);

    /** The longest token read; a VAPID JWT is some 250 characters. */
    static final int MAX_TOKEN_LENGTH = 4096;

    private static final int SIGNATURE_LENGTH = 64;
    private static final JsonFactory JSON = JsonFactory.builder()
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private VapidVerifier() {
    }

    /** What {@link #verify} found. */
    public sealed interface Result permits Absent, Invalid, Valid {
    }

    /** There is no {@code Authorization} header: 401 for a restricted subscription, fine for an open one (W7.3). */
    public record Absent() implements Result {
    }

    /**
     * The {@code Authorization} header is present but unusable or invalid (W7.2): 403.
     *
     * @param reason why, safe to show the app server
     */
    public record Invalid(String reason) implements Result {
    }

    /**
     * The credentials are valid (W7.2).
     *
     * @param key the key that signed the token ({@code k}, or {@code p256ecdsa} in the draft form)
     * @param subject the {@code sub} claim when it is a string, not judged (W7.2)
     */
    public record Valid(VapidKey key, Optional<String> subject) implements Result {
    }

    /**
     * Checks a request's VAPID credentials. The forms (W7.1):
     * <ul>
     *   <li>{@code Authorization: vapid t=<JWT>, k=<key>}, parameters in any order, spaces around the separators,
     *       values optionally double-quoted, unknown parameters ignored;</li>
     *   <li>{@code Authorization: WebPush <JWT>} or {@code Bearer <JWT>}, with the key in
     *       {@code Crypto-Key: p256ecdsa=<key>} among that header's other {@code ;}- or {@code ,}-separated
     *       parameters (the first {@code p256ecdsa} counts).</li>
     * </ul>
     * Scheme and parameter names are case-insensitive. The JWT must be three base64url parts without padding; its
     * header's {@code alg} {@code ES256}, its {@code typ} (if any) {@code JWT} or {@code application/jwt} in any
     * case, no {@code crit}; the signature (raw r‖s) valid under the key; {@code exp} a number after {@code now}
     * and at most {@link #MAX_LIFETIME} plus {@link #CLOCK_SLACK} ahead; {@code aud} the same origin as
     * {@code audience} (compared as {@link #originOf} normalizes both). The checks run in that order and the first
     * that fails is the reason.
     *
     * @param authorization the {@code Authorization} header, null if absent
     * @param cryptoKey the {@code Crypto-Key} header, null if absent
     * @param audience the origin ({@code scheme://host[:port]}) of the endpoint URL as issued
     * @param now the current time
     * @return {@link Absent}, {@link Invalid} or {@link Valid}; never throws for any header values
     */
    public static Result verify(@Nullable String authorization, @Nullable String cryptoKey, String audience,
            Instant now) {
        if (authorization == null) {
            return new Absent();
        }
        String value = authorization.trim();
        int space = 0;
        while (space < value.length() && !Character.isWhitespace(value.charAt(space))) {
            space++;
        }
        String scheme = value.substring(0, space).toLowerCase(Locale.ROOT);
        String rest = value.substring(space).trim();
        switch (scheme) {
            case "vapid":
                return verifyVapid(rest, audience, now);
            case "webpush":
            case "bearer":
                if (rest.isEmpty()) {
                    return new Invalid("the Authorization header has no token");
                }
                Optional<String> key = HeaderParams.find(cryptoKey, "p256ecdsa");
                if (key.isEmpty()) {
                    return new Invalid("the Crypto-Key header has no p256ecdsa key");
                }
                return verifyToken(rest, key.get(), audience, now);
            case "":
                return new Invalid("the Authorization header is empty");
            default:
                return new Invalid("the Authorization scheme must be vapid");
        }
    }

    /**
     * The origin of an absolute {@code http} or {@code https} URL, normalized as browsers serialize it: scheme and
     * host in lower case, the port only when it is not the scheme's default. Path, query and fragment are ignored.
     *
     * @param url an absolute URL, such as a public base URL or an endpoint URL
     * @return {@code scheme://host[:port]}, or empty if {@code url} is not an absolute http(s) URL with a host and
     *         no user info
     */
    public static Optional<String> originOf(String url) {
        return parse(url).flatMap(VapidVerifier::origin);
    }

    private static Result verifyVapid(String params, String audience, Instant now) {
        @Nullable String token = null;
        @Nullable String key = null;
        int start = 0;
        while (start <= params.length()) {
            int end = params.indexOf(',', start);
            if (end < 0) {
                end = params.length();
            }
            String param = params.substring(start, end).trim();
            start = end + 1;
            if (param.isEmpty()) {
                continue;
            }
            int equals = param.indexOf('=');
            if (equals < 0) {
                return new Invalid("malformed vapid parameter: name=value expected");
            }
            String name = param.substring(0, equals).trim().toLowerCase(Locale.ROOT);
            String paramValue = unquote(param.substring(equals + 1).trim());
            if (name.equals("t")) {
                if (token != null) {
                    return new Invalid("the vapid parameter t is repeated");
                }
                token = paramValue;
            } else if (name.equals("k")) {
                if (key != null) {
                    return new Invalid("the vapid parameter k is repeated");
                }
                key = paramValue;
            }
        }
        if (token == null || token.isEmpty()) {
            return new Invalid("the vapid parameter t is missing");
        }
        if (key == null || key.isEmpty()) {
            return new Invalid("the vapid parameter k is missing");
        }
        return verifyToken(token, key, audience, now);
    }

    private static Result verifyToken(String token, String keyText, String audience, Instant now) {
        if (token.length() > MAX_TOKEN_LENGTH) {
            return new Invalid("the token is too long");
        }
        int firstDot = token.indexOf('.');
        int secondDot = firstDot < 0 ? -1 : token.indexOf('.', firstDot + 1);
        if (secondDot < 0 || token.indexOf('.', secondDot + 1) >= 0) {
            return new Invalid("the token is not a JWT of three base64url parts");
        }
        byte[] header = decodePart(token, 0, firstDot);
        byte[] claims = decodePart(token, firstDot + 1, secondDot);
        byte[] signature = decodePart(token, secondDot + 1, token.length());
        if (header.length == 0 || claims.length == 0 || signature.length == 0) {
            return new Invalid("the token is not a JWT of three base64url parts");
        }
        Invalid badHeader = checkHeader(header);
        if (badHeader != null) {
            return badHeader;
        }
        Optional<VapidKey> key = VapidKey.parse(keyText);
        if (key.isEmpty()) {
            return new Invalid("the VAPID key is not a P-256 public key");
        }
        if (!signatureValid(token.substring(0, secondDot), signature, key.get())) {
            return new Invalid("the token's signature is not valid under the VAPID key");
        }
        return checkClaims(claims, key.get(), audience, now);
    }

    private static @Nullable Invalid checkHeader(byte[] json) {
        @Nullable String alg = null;
        @Nullable String typ = null;
        boolean crit = false;
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return new Invalid("the token's header is not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken valueToken = parser.nextToken();
                switch (name) {
                    case "alg" -> alg = valueToken == JsonToken.VALUE_STRING ? parser.getText() : "";
                    case "typ" -> typ = valueToken == JsonToken.VALUE_STRING ? parser.getText() : "";
                    case "crit" -> crit = true;
                    default -> { }
                }
                parser.skipChildren();
            }
            if (parser.nextToken() != null) {
                return new Invalid("the token's header is not a JSON object");
            }
        } catch (IOException malformed) {
            return new Invalid("the token's header is not a JSON object");
        }
        if (!"ES256".equals(alg)) {
            return new Invalid("the token's alg must be ES256");
        }
        if (typ != null && !typ.equalsIgnoreCase("JWT") && !typ.equalsIgnoreCase("application/jwt")) {
            return new Invalid("the token's typ must be JWT");
        }
        if (crit) {
            return new Invalid("the token's crit header is not supported");
        }
        return null;
    }

    /**
     * Verifies a raw r‖s ES256 signature. r and s are checked to lie in [1, n-1] here too, so that no runtime's
     * verifier can be handed a zero signature.
     */
    private static boolean signatureValid(String signed, byte[] signature, VapidKey key) {
        if (signature.length != SIGNATURE_LENGTH) {
            return false;
        }
        BigInteger order = key.publicKey().getParams().getOrder();
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(signature, 0, SIGNATURE_LENGTH / 2));
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, SIGNATURE_LENGTH / 2, SIGNATURE_LENGTH));
        if (r.signum() == 0 || s.signum() == 0 || r.compareTo(order) >= 0 || s.compareTo(order) >= 0) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
            verifier.initVerify(key.publicKey());
            verifier.update(signed.getBytes(StandardCharsets.US_ASCII));
            return verifier.verify(signature);
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every Java 17 runtime has SHA256withECDSAinP1363Format", impossible);
        } catch (GeneralSecurityException refused) {
            return false;
        }
    }

    private static Result checkClaims(byte[] json, VapidKey key, String audience, Instant now) {
        boolean hasExp = false;
        double exp = Double.NaN;
        @Nullable String aud = null;
        @Nullable String sub = null;
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return new Invalid("the token's claims are not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken valueToken = parser.nextToken();
                switch (name) {
                    case "exp" -> {
                        hasExp = true;
                        if (valueToken != null && valueToken.isNumeric()) {
                            exp = parser.getDoubleValue();
                        }
                    }
                    case "aud" -> aud = valueToken == JsonToken.VALUE_STRING ? parser.getText() : null;
                    case "sub" -> sub = valueToken == JsonToken.VALUE_STRING ? parser.getText() : null;
                    default -> { }
                }
                parser.skipChildren();
            }
            if (parser.nextToken() != null) {
                return new Invalid("the token's claims are not a JSON object");
            }
        } catch (IOException malformed) {
            return new Invalid("the token's claims are not a JSON object");
        }
        if (!hasExp) {
            return new Invalid("the token has no exp claim");
        }
        if (Double.isNaN(exp)) {
            return new Invalid("the token's exp claim is not a number");
        }
        double nowSeconds = now.getEpochSecond() + now.getNano() / 1e9;
        if (exp <= nowSeconds) {
            return new Invalid("the token has expired");
        }
        if (exp > nowSeconds + MAX_LIFETIME.toSeconds() + CLOCK_SLACK.toSeconds()) {
            return new Invalid("the token's exp is more than 24 hours ahead");
        }
        if (aud == null) {
            return new Invalid("the token has no aud claim");
        }
        String expected = originOf(audience).orElse(audience);
        if (!audienceOrigin(aud).filter(expected::equals).isPresent()) {
            return new Invalid("the token's aud must be " + expected);
        }
        return new Valid(key, Optional.ofNullable(sub));
    }

    /** An {@code aud} claim as an origin: an absolute http(s) URL with nothing after the authority but a "/". */
    private static Optional<String> audienceOrigin(String aud) {
        return parse(aud)
                .filter(uri -> uri.getRawQuery() == null && uri.getRawFragment() == null)
                .filter(uri -> uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))
                .flatMap(VapidVerifier::origin);
    }

    private static Optional<URI> parse(String url) {
        try {
            return Optional.of(new URI(url));
        } catch (URISyntaxException malformed) {
            return Optional.empty();
        }
    }

    private static Optional<String> origin(URI uri) {
        String scheme = uri.getScheme();
        String host = uri.getHost();
        if (scheme == null || host == null || uri.getRawUserInfo() != null) {
            return Optional.empty();
        }
        scheme = scheme.toLowerCase(Locale.ROOT);
        int defaultPort;
        if (scheme.equals("https")) {
            defaultPort = 443;
        } else if (scheme.equals("http")) {
            defaultPort = 80;
        } else {
            return Optional.empty();
        }
        int port = uri.getPort();
        String authority = host.toLowerCase(Locale.ROOT) + (port < 0 || port == defaultPort ? "" : ":" + port);
        return Optional.of(scheme + "://" + authority);
    }

    /** The base64url part {@code token[from, to)}, without padding; no bytes if it is not that. */
    private static byte[] decodePart(String token, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = token.charAt(i);
            boolean base64url = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_';
            if (!base64url) {
                return new byte[0];
            }
        }
        try {
            return Base64.getUrlDecoder().decode(token.substring(from, to));
        } catch (IllegalArgumentException malformed) {
            return new byte[0];
        }
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1)
                : value;
    }
}
