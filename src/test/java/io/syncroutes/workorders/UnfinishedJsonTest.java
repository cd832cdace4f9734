package io.syncroutes.workorders;

import com.fasterxml.jackson.core.JsonFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** JSON that ended early (a file still being written) told apart from JSON that is broken, or whole. */
class UnfinishedJsonTest {

    private final JsonFactory json = new JsonFactory();

    @ParameterizedTest
    @ValueSource(strings = {"", "  \n", "[", "{\"a\": 1", "{\"a\": tr", "{\"a\": nul", "{\"a\": 1.", "{\"a\": 1.5e+", "{\"a\": -",
            "{\"a\": \"ab", "{\"a\": \"\\u00", "{\"a", "{\"a\":", "[{\"a\":1},", "[{\"a\":1}", "[{\"a\":[1,2]", "[{\"a\":1}\n  "})
    void endedEarly(String text) throws IOException {
        assertThat(endedAt(text.getBytes(StandardCharsets.UTF_8))).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\": tr, \"b\": 1}", "{\"a\":1}}", "{\"a\": x", "}", "[1,2]x", "{\"a\":1} {}", "{\"a\":1} {",
            "[{\"a\":1},, {", "{\"a\":1}", "[]  "})
    void brokenOrWhole(String text) throws IOException {
        assertThat(endedAt(text.getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
    }

    @Test
    void aCharacterCutInTheMiddleOfItsBytesHasEndedEarlyAndABadByteIsBroken() throws IOException {
        byte[] cafe = "{\"a\": \"caf\u00e9".getBytes(StandardCharsets.UTF_8);
        assertThat(endedAt(Arrays.copyOf(cafe, cafe.length - 1))).isEqualTo(cafe.length - 1);
        assertThat(endedAt("{\"a\": \"caf\u00e9\", \"b\": ".getBytes(StandardCharsets.ISO_8859_1))).isEqualTo(-1);
    }

    @Test
    void aLargeDocumentIsReadInChunks() throws IOException {
        StringBuilder large = new StringBuilder("[");
        for (int i = 0; i < 20_000; i++) {
            large.append("{\"orderNo\": ").append(i).append(", \"summary\": \"work order ").append(i).append("\"},");
        }
        byte[] bytes = large.toString().getBytes(StandardCharsets.UTF_8);
        assertThat(bytes.length).isGreaterThan(3 * 64 * 1024);
        assertThat(endedAt(bytes)).isEqualTo(bytes.length);
        // a control character: not allowed anywhere in JSON text
        bytes[bytes.length / 2] = 1;
        assertThat(endedAt(bytes)).isEqualTo(-1);
    }

    private long endedAt(byte[] bytes) throws IOException {
        return UnfinishedJson.endedAt(json, new ByteArrayInputStream(bytes));
    }
}
