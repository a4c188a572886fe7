package dev.simplepush.transport.websocket.internal.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.simplepush.core.Version;
import java.io.IOException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The wake-up fields of a hello (P8.1), read leniently: an ill-formed one is absent, never an error. */
final class WakeupFields {

    private WakeupFields() {
    }

    /** {@code wakeup_hostport {ip, port}} (P8.1); null when ill-formed. */
    record HostPort(String ip, int port) {
        static @Nullable HostPort read(JsonParser parser) throws IOException {
            if (parser.currentToken() != JsonToken.START_OBJECT) {
                parser.skipChildren();
                return null;
            }
            String ip = null;
            long port = -1;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals("ip") && value == JsonToken.VALUE_STRING) {
                    ip = parser.getText();
                } else if (name.equals("port")) {
                    port = value == JsonToken.VALUE_STRING
                            ? Version.parse(parser.getText()).map(Version::value).orElse(-1L)
                            : ProtocolCodec.longValue(parser).orElse(-1L);
                } else {
                    parser.skipChildren();
                }
            }
            if (ip == null || ip.isBlank() || port < 1 || port > 65535) {
                return null;
            }
            return new HostPort(ip, (int) port);
        }
    }

    /** {@code mobilenetwork {mcc, mnc, netid?}} (P8.1); null when ill-formed. Codes may be strings or numbers. */
    record Network(String mcc, String mnc, Optional<String> netid) {
        static @Nullable Network read(JsonParser parser) throws IOException {
            if (parser.currentToken() != JsonToken.START_OBJECT) {
                parser.skipChildren();
                return null;
            }
            String mcc = null;
            String mnc = null;
            Optional<String> netid = Optional.empty();
            boolean wellFormed = true;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                boolean scalarCode = value == JsonToken.VALUE_STRING || value == JsonToken.VALUE_NUMBER_INT;
                switch (name) {
                    case "mcc":
                        mcc = scalarCode ? parser.getText() : null;
                        break;
                    case "mnc":
                        mnc = scalarCode ? parser.getText() : null;
                        break;
                    case "netid":
                        if (value == JsonToken.VALUE_STRING) {
                            netid = Optional.of(parser.getText());
                        } else if (value != JsonToken.VALUE_NULL) {
                            wellFormed = false;
                        }
                        break;
                    default:
                        break;
                }
                parser.skipChildren();
            }
            return wellFormed && mcc != null && mnc != null ? new Network(mcc, mnc, netid) : null;
        }
    }
}
