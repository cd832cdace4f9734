package io.syncroutes.workorders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.syncroutes.LogCapture;
import io.syncroutes.SyncRoutesTestSupport;
import io.syncroutes.shared.SyncState;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.syncroutes.Fixtures.JSON;
import static io.syncroutes.Fixtures.drop;
import static io.syncroutes.Fixtures.readJson;
import static io.syncroutes.Fixtures.workOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Files written slowly, or under a temporary name, end to end: a file whose JSON ends early stays in the inbound
 * folder, none of its records written, until it is complete (then it is imported once) or has not changed for the
 * incomplete-file timeout (then it goes to the error folder with the reason); a broken file still goes at once.
 */
class WorkOrdersIncompleteFilesTest extends SyncRoutesTestSupport {

    private static final long TIMEOUT_MS = 6_000;
    private LogCapture log;

    @Override
    protected Properties properties() {
        Properties props = new Properties();
        props.put("workorders.export.interval-ms", "3600000");
        props.put("workorders.inbound.incomplete-file-timeout", "6s");
        return props;
    }

    @BeforeEach
    void captureLog() {
        log = new LogCapture().start();
    }

    @AfterEach
    void stopCapture() {
        log.stop();
    }

    @Test
    void aSmallFileWrittenInTwoHalvesWithAPauseIsImportedOnceAndNeverRejected() throws Exception {
        writtenInTwoHalves("slow.json", 1, 3);
    }

    @Test
    void aLargeFileWrittenInTwoHalvesWithAPauseIsImportedOnceAndNeverRejected() throws Exception {
        // over the size a file is read into memory at: read through, then streamed
        writtenInTwoHalves("slow-large.json", 1, 200);
    }

    @Test
    void temporaryNamesAndDotfilesAreNotReadUntilRenamed() throws Exception {
        List<String> temporary = List.of("a.json.tmp", "b.json.part", "c.json.partial", "d.json~", ".e.json");
        for (int i = 0; i < temporary.size(); i++) {
            Files.writeString(dir("inbound").resolve(temporary.get(i)), workOrder(i + 1, "2025-01-01T00:00:00Z").toString());
        }
        // polls go on meanwhile: a file dropped after them is imported, the temporary ones are not read
        drop(dir("inbound"), "other.json", workOrder(100, "2025-01-01T00:00:00Z").toString());
        awaitIn("done", "other.json");
        Thread.sleep(1_500);
        for (String name : temporary) {
            assertThat(dir("inbound").resolve(name)).as(name + " is not read").exists();
        }
        assertThat(workorders().countDocuments()).isEqualTo(1);
        assertThat(dir("error")).isEmptyDirectory();

        for (String name : temporary) {
            Files.move(dir("inbound").resolve(name), dir("inbound").resolve("renamed-" + name.replaceAll("[^a-z]", "") + ".json"));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> workorders().countDocuments() == 6);
        awaitIn("done", "renamed-ajsontmp.json", "renamed-bjsonpart.json", "renamed-cjsonpartial.json", "renamed-djson.json",
                "renamed-ejson.json");
        assertThat(dir("error")).isEmptyDirectory();
    }

    @Test
    void aFileThatEndsEarlyAndNeverChangesGoesToTheErrorFolderAfterTheTimeoutWithTheReason() throws Exception {
        String truncated = "[" + workOrder(1, "2025-01-01T00:00:00Z") + ", " + workOrder(2, "2025-01-01T00:00:00Z") + ", {\"orderNo\": 3, \"summ";
        Path file = Files.writeString(dir("inbound").resolve("truncated.json"), truncated);
        Files.writeString(dir("inbound").resolve("empty.json"), "");
        long lastChange = Files.getLastModifiedTime(file).toMillis();

        awaitLogged("truncated.json: incomplete JSON: ended at byte " + truncated.getBytes(StandardCharsets.UTF_8).length + ";");
        awaitLogged("empty.json: incomplete JSON: ended at byte 0 (empty file);");
        // files dropped meanwhile go on
        drop(dir("inbound"), "meanwhile.json", workOrder(50, "2025-01-01T00:00:00Z").toString());
        awaitIn("done", "meanwhile.json");
        assertThat(System.currentTimeMillis() - lastChange).as("the test is still within the timeout").isLessThan(TIMEOUT_MS - 1_000);
        assertThat(dir("inbound").resolve("truncated.json")).as("left in the inbound folder").exists();
        assertThat(dir("error")).isEmptyDirectory();
        assertThat(workorders().countDocuments(new Document("number", new Document("$in", List.of(1, 2))))).as("none of its records").isZero();

        awaitIn("error", "truncated.json", "empty.json");
        assertThat(System.currentTimeMillis() - lastChange).as("not before the timeout").isGreaterThanOrEqualTo(TIMEOUT_MS);
        JsonNode error = readJson(dir("error").resolve("truncated.json.error.json"));
        assertThat(error.get("reason").asText()).isEqualTo("incomplete JSON: ended at byte "
                + truncated.getBytes(StandardCharsets.UTF_8).length + "; unchanged for 6 s");
        assertThat(error.get("recordsUpserted").asLong()).isZero();
        assertThat(readJson(dir("error").resolve("empty.json.error.json")).get("reason").asText())
                .isEqualTo("incomplete JSON: ended at byte 0 (empty file); unchanged for 6 s");
        assertThat(workorders().countDocuments()).as("only the file dropped meanwhile").isEqualTo(1);

        // one line when it is left, one when it is rejected, not one per poll (every 100 ms); no stack trace
        await().atMost(Duration.ofSeconds(5)).until(() -> log.text().contains("truncated.json: rejected"));
        assertThat(lines("truncated.json")).hasSize(2);
        assertThat(log.text()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void aFileBrokenInTheMiddleStillGoesToTheErrorFolderAtOnce() throws Exception {
        String broken = "[" + workOrder(1, "2025-01-01T00:00:00Z") + ", {\"orderNo\": 2,, \"summary\": \"x\"}, "
                + workOrder(3, "2025-01-01T00:00:00Z") + "]";
        long droppedAt = System.currentTimeMillis();
        drop(dir("inbound"), "broken.json", broken);

        awaitIn("error", "broken.json");
        assertThat(System.currentTimeMillis() - droppedAt).as("well within the incomplete-file timeout").isLessThan(TIMEOUT_MS - 2_000);
        assertThat(readJson(dir("error").resolve("broken.json.error.json")).get("reason").asText()).contains("malformed JSON at line 1");
        assertThat(workorders().countDocuments()).as("none of its records").isZero();
        assertThat(log.text()).doesNotContain("broken.json: incomplete");
    }

    /**
     * A file of {@code records} work orders from {@code first} written in two halves, 3 s apart (the first half
     * holding whole records): left while half written, with none of its records in MongoDB, then imported once.
     */
    private void writtenInTwoHalves(String name, int first, int records) throws Exception {
        ArrayNode array = JSON.createArrayNode();
        for (int i = first; i < first + records; i++) {
            array.add(workOrder(i, "2025-01-01T00:00:00Z"));
        }
        byte[] whole = array.toString().getBytes(StandardCharsets.UTF_8);
        int half = whole.length / 2;
        Path file = dir("inbound").resolve(name);
        Files.write(file, java.util.Arrays.copyOfRange(whole, 0, half));

        awaitLogged(name + ": incomplete JSON: ended at byte " + half + ";");
        assertThat(workorders().countDocuments()).as("no record of the half-written file").isZero();
        long sincePause = System.currentTimeMillis() - Files.getLastModifiedTime(file).toMillis();
        Thread.sleep(Math.max(0, 3_000 - sincePause));
        assertThat(workorders().countDocuments()).as("no record of the half-written file").isZero();
        assertThat(dir("error")).isEmptyDirectory();
        Files.write(file, java.util.Arrays.copyOfRange(whole, half, whole.length), StandardOpenOption.APPEND);

        awaitIn("done", name);
        assertThat(workorders().countDocuments()).isEqualTo(records);
        assertThat(dir("error")).as("never rejected").isEmptyDirectory();
        SyncState state = context.getRegistry().lookupByNameAndType("syncState", SyncState.class);
        assertThat(state.flow("workorders-inbound").total("read")).as("records read once").isEqualTo(records);
        assertThat(state.flow("workorders-inbound").total("upserted")).as("records written once").isEqualTo(records);
        assertThat(lines(name + ": incomplete")).as("one line when it was left").hasSize(1);
    }

    private void awaitIn(String folder, String... names) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (String name : names) {
                assertThat(dir(folder).resolve(name)).exists();
            }
        });
    }

    private void awaitLogged(String text) {
        await().atMost(Duration.ofSeconds(10)).until(() -> log.text().contains(text));
    }

    /** The lines logged that mention {@code text}. */
    private List<String> lines(String text) {
        Matcher lines = Pattern.compile("(?m)^.*" + Pattern.quote(text) + ".*$").matcher(log.text());
        return lines.results().map(MatchResult::group).toList();
    }
}
