package io.corral.sample.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.websocket.DecodeException;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The chat codec against RFC 8259 (JSON): §4 objects, §7 strings. */
class ChatMessageJsonTest {

    @Test
    void writesTheFixedShape() {
        assertEquals("{\"from\":\"ann\",\"text\":\"hi\"}", ChatMessageJson.write(new ChatMessage("ann", "hi")));
    }

    static Stream<Arguments> escapes() {
        return Stream.of(
                Arguments.of("quote \"", "quote \\\""),
                Arguments.of("back\\slash", "back\\\\slash"),
                Arguments.of("line\nfeed", "line\\nfeed"),
                Arguments.of("cr\r tab\t bs\b ff\f", "cr\\r tab\\t bs\\b ff\\f"),
                Arguments.of("nul\u0000", "nul\\u0000"),
                Arguments.of("unit\u001f", "unit\\u001f"),
                Arguments.of("space\u0020", "space "),
                Arguments.of("del\u007f", "del\u007f"),
                Arguments.of("snow\u2603 and \uD83D\uDE00", "snow\u2603 and \uD83D\uDE00"));
    }

    @ParameterizedTest
    @MethodSource("escapes")
    @DisplayName("RFC 8259 §7: quotation mark, reverse solidus and the control characters (U+0000 through U+001F) must be escaped")
    void escapesExactlyWhatMustBeEscaped(String text, String escaped) {
        String json = ChatMessageJson.write(new ChatMessage("x", text));
        assertEquals("{\"from\":\"x\",\"text\":\"" + escaped + "\"}", json);
        assertEquals(text, ChatMessageJson.read(json).text(), "round trip");
    }

    static Stream<Arguments> readable() {
        return Stream.of(
                Arguments.of("{\"from\":\"a\",\"text\":\"b\"}", "a", "b"),
                Arguments.of(" \t\r\n{ \"text\" : \"b\" , \"from\" : \"a\" }\n", "a", "b"),
                Arguments.of("{\"text\":\"b\"}", ChatMessage.ANONYMOUS, "b"),
                Arguments.of("{\"from\":null,\"text\":\"b\"}", ChatMessage.ANONYMOUS, "b"),
                Arguments.of("{\"room\":\"ignored\",\"text\":\"b\",\"from\":\"a\"}", "a", "b"),
                Arguments.of("{\"text\":\"first\",\"text\":\"last\"}", ChatMessage.ANONYMOUS, "last"),
                Arguments.of("{\"text\":\"\"}", ChatMessage.ANONYMOUS, ""),
                Arguments.of("{\"text\":\"\\u00e9\\u00E9\\/\"}", ChatMessage.ANONYMOUS, "\u00e9\u00e9/"),
                Arguments.of("{\"text\":\"\\ud83d\\ude00\"}", ChatMessage.ANONYMOUS, "\uD83D\uDE00"));
    }

    @ParameterizedTest
    @MethodSource("readable")
    @DisplayName("RFC 8259 §4: members in any order, insignificant whitespace around structural characters")
    void readsAnyWellFormedObjectOfStrings(String json, String from, String text) {
        assertEquals(new ChatMessage(from, text), ChatMessageJson.read(json));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "   ",
        "[]",
        "{",
        "{}",
        "{\"from\":\"a\"}",
        "{\"text\":\"b\"",
        "{\"text\":\"b\",}",
        "{\"text\":\"b\"} x",
        "{\"text\":42}",
        "{\"text\":true}",
        "{text:\"b\"}",
        "{\"text\":\"unterminated}",
        "{\"text\":\"raw\nnewline\"}",
        "{\"text\":\"bad \\x escape\"}",
        "{\"text\":\"short \\u12\"}",
        "{\"text\":\"bad hex \\u12g4\"}",
        "{\"text\":\"dangling \\",
        "{\"text\"\"b\"}",
    })
    @DisplayName("Malformed input and objects without a \"text\" string are rejected, never guessed at")
    void rejectsMalformedInput(String json) {
        assertThrows(IllegalArgumentException.class, () -> ChatMessageJson.read(json));
    }

    @Test
    void decoderReportsMalformedJsonAsDecodeException() {
        DecodeException failure = assertThrows(DecodeException.class, () -> new ChatMessageDecoder().decode("{"));
        assertEquals("{", failure.getText());
    }

    @Test
    void encoderAndDecoderRoundTrip() throws DecodeException {
        ChatMessage message = new ChatMessage("b\u00f6b", "{\"nested\": \"json\"}\n");
        assertEquals(message, new ChatMessageDecoder().decode(new ChatMessageEncoder().encode(message)));
    }
}
