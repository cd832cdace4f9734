package io.syncroutes.shared;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonRecordReaderTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void readsASingleObject() {
        assertThat(read("{\"a\": 1}")).extracting(n -> n.get("a").asInt()).containsExactly(1);
    }

    @Test
    void readsTheElementsOfAnArrayOneByOne() {
        assertThat(read("[{\"a\": 1}, {\"a\": 2}, 3]")).hasSize(3);
        assertThat(read("[]")).isEmpty();
    }

    @Test
    void emptyInputIsInvalid() {
        assertThatThrownBy(() -> read("   ")).isInstanceOf(InvalidInputException.class).hasMessageContaining("file is empty");
    }

    @Test
    void truncatedArrayIsInvalidAfterTheRecordsBeforeIt() {
        JsonRecordReader reader = reader("[{\"a\": 1}, {\"a\": ");
        assertThat(reader.next()).isNotNull();
        assertThatThrownBy(reader::next).isInstanceOf(InvalidInputException.class).hasMessageContaining("malformed JSON at line 1");
        assertThat(reader.next()).as("finished after an error").isNull();
    }

    @Test
    void contentAfterTheTopLevelValueIsInvalid() {
        JsonRecordReader reader = reader("[{\"a\": 1}] {}");
        reader.next();
        assertThatThrownBy(reader::next).hasMessageContaining("unexpected content after the top-level array");
    }

    @Test
    void invalidUtf8IsInvalidInput() {
        byte[] bytes = "{\"a\": \"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
        JsonRecordReader reader = new JsonRecordReader(mapper, new ByteArrayInputStream(bytes));
        assertThatThrownBy(reader::next).isInstanceOf(InvalidInputException.class).hasMessageContaining("Invalid UTF-8");
    }

    @Test
    void skipsTheRestWithoutBuildingRecordsAndFailsWhereReadingWould() {
        JsonRecordReader reader = reader("[{\"a\": [1, {\"b\": 2}]}, 3, {}]");
        assertThat(reader.next()).isNotNull();
        assertThat(reader.skipRest()).isEqualTo(2);
        assertThat(reader.index()).isEqualTo(2);
        assertThat(reader.next()).isNull();

        JsonRecordReader broken = reader("[{\"a\": 1}, {\"a\": 2,, }]");
        assertThatThrownBy(broken::skipRest).isInstanceOf(InvalidInputException.class).hasMessageContaining("malformed JSON at line 1");
        assertThat(broken.index()).as("records passed before it broke").isZero();
    }

    private JsonRecordReader reader(String json) {
        return new JsonRecordReader(mapper, new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    private List<JsonNode> read(String json) {
        JsonRecordReader reader = reader(json);
        List<JsonNode> records = new ArrayList<>();
        for (JsonNode node = reader.next(); node != null; node = reader.next()) {
            records.add(node);
        }
        return records;
    }
}
