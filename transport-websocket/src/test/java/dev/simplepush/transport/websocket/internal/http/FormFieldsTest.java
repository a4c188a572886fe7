package dev.simplepush.transport.websocket.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class FormFieldsTest {

    @Test
    void versionAndDataP4_1() {
        assertThat(FormFields.parse("version=12&data=hello+world%21%20%C3%A9"))
                .isEqualTo(new FormFields(Optional.of("12"), Optional.of("hello world! \u00e9")));
    }

    @Test
    void emptyVersionIsPresentButEmptySoTheCoreUsesNowP4_2() {
        assertThat(FormFields.parse("version=").version()).contains("");
        assertThat(FormFields.parse("version").version()).contains("");
    }

    @Test
    void absentFieldsAreEmptyAndEmptyDataIsAbsent() {
        assertThat(FormFields.parse("other=1&&data=")).isEqualTo(FormFields.NONE);
    }

    @Test
    void firstOccurrenceWinsAndOtherFieldsAreIgnored() {
        assertThat(FormFields.parse("x=y&version=1&version=2&data=a&data=b"))
                .isEqualTo(new FormFields(Optional.of("1"), Optional.of("a")));
    }

    @Test
    void valuesAreNotJudgedHere() {
        assertThat(FormFields.parse("version=-5").version()).contains("-5");
        assertThat(FormFields.parse("version=a=b").version()).contains("a=b");
    }

    @Test
    void malformedPercentEscapeIsRejected() {
        assertThatThrownBy(() -> FormFields.parse("version=%zz")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FormFields.parse("data=%4")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void escapeIsTwoAsciiHexDigitsNotWhatIntegerParseIntTakes() {
        // Found by EndpointRequestFuzzTest: URLDecoder reads escapes with Integer.parseInt, which takes a sign and
        // the digits of other scripts.
        for (String form : new String[] {"data=%+41", "data=%-1", "data=%4\u0661", "data=%1\u07c0", "vers%+4on=1"}) {
            assertThatThrownBy(() -> FormFields.parse(form)).as(form).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(FormFields.parse("data=%41%2b%e2%82%ac+x&version=%31")).isEqualTo(
                new FormFields(Optional.of("1"), Optional.of("A+\u20ac x")));
    }
}
