package io.syncroutes.workorders;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncroutes.SyncRoutesTestSupport;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import static io.syncroutes.Fixtures.JSON;
import static io.syncroutes.Fixtures.drop;
import static io.syncroutes.Fixtures.readJson;
import static io.syncroutes.Fixtures.workOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Bad inbound input end to end: every bad file or record ends in the error folder with its reason; nothing valid is lost. */
class WorkOrdersBadInputTest extends SyncRoutesTestSupport {

    @Override
    protected Properties properties() {
        Properties props = new Properties();
        props.put("workorders.export.interval-ms", "3600000");
        return props;
    }

    @Test
    void unparseableFilesGoToTheErrorFolderWithTheirReasonAndNoneOfTheirRecords() {
        // broken in the middle, not at the end (a file that ends early waits for the rest: WorkOrdersIncompleteFilesTest)
        drop(dir("inbound"), "malformed.json", "[" + workOrder(4, "2025-01-01T00:00:00Z") + ", {\"orderNo\": 1, \"summary\": ]}]");
        drop(dir("inbound"), "trailing.json", workOrder(1, "2025-01-01T00:00:00Z") + " {}");
        byte[] latin1 = ("[" + workOrder(2, "2025-01-01T00:00:00Z") + ", "
                + workOrder(3, "2025-01-01T00:00:00Z").put("summary", "Caf\u00e9 machine") + "]").getBytes(StandardCharsets.ISO_8859_1);
        drop(dir("inbound"), "latin1.json", latin1);

        assertFileRejected("malformed.json", "malformed JSON at line 1");
        assertFileRejected("trailing.json", "unexpected content after the top-level value");
        JsonNode latin1Error = assertFileRejected("latin1.json", "Invalid UTF-8");
        assertThat(latin1Error.get("recordsRead").asLong()).as("the record before the bad byte was read").isEqualTo(1);
        assertThat(latin1Error.get("recordsUpserted").asLong()).as("and not imported").isZero();
        assertThat(dir("done")).isEmptyDirectory();
        assertThat(workorders().countDocuments()).as("no record of a broken file is imported").isZero();
    }

    @Test
    void invalidRecordsAreRejectedWithReasonsAndTheValidOnesGoIn() {
        String records = "[" + String.join(",",
                workOrder(10, "2025-01-01T00:00:00Z").toString(),
                "{\"orderNo\": 11}",
                workOrder(12, "2025-01-01T00:00:00Z").put("orderNo", "12").put("isDone", "yes").toString(),
                workOrder(13, "2025-13-45T00:00:00Z").toString(),
                workOrder(14, "2025-01-01T00:00:00").toString(),
                workOrder(15, "yesterday").put("deletedDate", "soon").toString(),
                workOrder(10, "2025-06-01T00:00:00Z").put("summary", "duplicate").toString(),
                "42",
                workOrder(16, "2025-01-01T00:00:00.123456-03:00").toString()) + "]";
        drop(dir("inbound"), "mixed.json", records);

        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(dir("done").resolve("mixed.json")));
        assertThat(workorders().find().map(d -> d.getInteger("number")).into(new java.util.ArrayList<>()))
                .containsExactlyInAnyOrder(10, 16);
        assertThat(workorders().find(new Document("number", 10)).first().getString("title"))
                .as("the newer of two versions in one file wins").isEqualTo("duplicate");

        List<JsonNode> rejected = rejectedLines("mixed.json");
        rejected.sort(java.util.Comparator.comparingInt(r -> r.get("index").asInt()));
        assertThat(rejected).extracting(r -> r.get("index").asInt()).containsExactly(0, 1, 2, 3, 4, 5, 7);
        assertThat(reasons(rejected.get(0))).contains("stale").contains("index 6");
        rejected.remove(0);
        assertThat(reasons(rejected.get(0))).contains("required property 'summary' not found")
                .contains("required property 'creationDate' not found").contains("required property 'lastUpdateDate' not found");
        assertThat(reasons(rejected.get(1))).contains("$.orderNo: string found, integer expected")
                .contains("$.isDone: string found, boolean expected");
        assertThat(reasons(rejected.get(2))).contains("$.lastUpdateDate").contains("date-time");
        assertThat(reasons(rejected.get(3))).as("no offset").contains("$.lastUpdateDate").contains("date-time");
        assertThat(reasons(rejected.get(4))).contains("$.lastUpdateDate").contains("$.deletedDate");
        assertThat(reasons(rejected.get(5))).contains("record is not a JSON object");
        assertThat(rejected.get(1).get("record").get("isDone").asText()).as("the record is kept as it came").isEqualTo("yes");
    }

    @Test
    void singleInvalidRecordFileIsKeptWithItsReason() {
        drop(dir("inbound"), "bad.json", workOrder(20, "2025-01-01T00:00:00Z").put("orderNo", 1.5).toString());

        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(dir("done").resolve("bad.json")));
        assertThat(workorders().countDocuments()).isZero();
        assertThat(reasons(rejectedLines("bad.json").get(0))).contains("$.orderNo: number found, integer expected");
    }

    private JsonNode assertFileRejected(String name, String reason) {
        Path sidecar = dir("error").resolve(name + ".error.json");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(dir("error").resolve(name)) && Files.exists(sidecar));
        JsonNode error = readJson(sidecar);
        assertThat(error.get("file").asText()).isEqualTo(name);
        assertThat(error.get("reason").asText()).contains(reason);
        assertThat(dir("inbound").resolve(name)).doesNotExist();
        return error;
    }

    private List<JsonNode> rejectedLines(String name) {
        try {
            return Files.readAllLines(dir("error").resolve(name + ".rejected.ndjson")).stream()
                    .map(line -> {
                        try {
                            return JSON.readTree(line);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }).collect(java.util.stream.Collectors.toCollection(java.util.ArrayList::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String reasons(JsonNode rejected) {
        return rejected.get("reasons").toString();
    }
}
