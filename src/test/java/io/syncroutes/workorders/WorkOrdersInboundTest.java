package io.syncroutes.workorders;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncroutes.SyncRoutesTestSupport;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import static io.syncroutes.Fixtures.JSON;
import static io.syncroutes.Fixtures.drop;
import static io.syncroutes.Fixtures.extJson;
import static io.syncroutes.Fixtures.json;
import static io.syncroutes.Fixtures.text;
import static io.syncroutes.Fixtures.workOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Inbound work orders end to end: files dropped in the inbound folder, documents read back over the MongoDB wire protocol. */
class WorkOrdersInboundTest extends SyncRoutesTestSupport {

    private static final String REF = "reference/tracos-workorders/";

    @Override
    protected Properties properties() {
        Properties props = new Properties();
        props.put("workorders.export.interval-ms", "3600000");
        return props;
    }

    @Test
    void referenceCustomerFilesBecomeTheDerivedDocuments() {
        drop(dir("inbound"), "42.json", text(REF + "customer_inbound_translator_test_42.json"));
        drop(dir("inbound"), "1.json", text(REF + "customer_inbound_customer_handler_test_1.json"));

        awaitDone("42.json", "1.json");
        assertDocument(42, "DERIVED_expected_tracos_doc_from_customer_42.json");
        assertDocument(1, "DERIVED_expected_tracos_doc_from_customer_1.json");
        assertThat(dir("inbound")).isEmptyDirectory();
        assertThat(dir("error")).isEmptyDirectory();
    }

    @Test
    void generatorSampleFilesAreAllImported() {
        for (int i = 1; i <= 10; i++) {
            drop(dir("inbound"), i + ".json", text(REF + "inbound/" + i + ".json"));
        }

        awaitDone("1.json", "2.json", "3.json", "4.json", "5.json", "6.json", "7.json", "8.json", "9.json", "10.json");
        assertThat(workorders().countDocuments()).isEqualTo(10);
        for (int i = 1; i <= 10; i++) {
            ObjectNode customer = (ObjectNode) json(REF + "inbound/" + i + ".json");
            Document doc = workorders().find(new Document("number", i)).first();
            assertThat(doc.getString("title")).isEqualTo(customer.get("summary").asText());
            assertThat(doc.getString("status")).isEqualTo(customer.get("isDone").asBoolean() ? "completed" : "pending");
            assertThat(doc.getBoolean("isSynced")).isFalse();
            assertThat(doc.get("_id")).isInstanceOf(ObjectId.class);
        }
    }

    @Test
    void arrayFileIsImportedInBulkBatches() {
        ArrayNode array = JSON.createArrayNode();
        for (int i = 1; i <= 2_500; i++) {
            array.add(workOrder(i, "2025-01-01T00:00:00Z"));
        }
        drop(dir("inbound"), "many.json", array.toString());

        awaitDone("many.json");
        assertThat(workorders().countDocuments()).isEqualTo(2_500);
    }

    @Test
    void reimportOfAChangedWorkOrderUpdatesItAndKeepsItsId() {
        drop(dir("inbound"), "a.json", workOrder(7, "2025-01-01T00:00:00Z").toString());
        awaitDone("a.json");
        Document before = workorders().find(new Document("number", 7)).first();
        workorders().updateOne(new Document("number", 7), new Document("$set", new Document("isSynced", true)));

        drop(dir("inbound"), "b.json", workOrder(7, "2025-02-01T00:00:00Z").put("summary", "changed").put("isDone", true).toString());
        awaitDone("b.json");

        Document after = workorders().find(new Document("number", 7)).first();
        assertThat(workorders().countDocuments()).isEqualTo(1);
        assertThat(after.getObjectId("_id")).isEqualTo(before.getObjectId("_id"));
        assertThat(after.getString("title")).isEqualTo("changed");
        assertThat(after.getString("status")).isEqualTo("completed");
        assertThat(after.getBoolean("isSynced")).as("changed again, so due for export").isFalse();
    }

    @Test
    void aFileStillBeingWrittenIsLeftUntilItIsAtRestThenImportedWhole() throws Exception {
        // half a file, written to again and again (its time is now): polls every 100 ms leave it for a later one
        Path file = dir("inbound").resolve("slow.json");
        String whole = "[" + workOrder(41, "2025-01-01T00:00:00Z") + ", " + workOrder(42, "2025-01-01T00:00:00Z") + "]";
        int half = whole.length() / 2;
        Files.writeString(file, whole.substring(0, half));
        long writingUntil = System.currentTimeMillis() + 2_500;
        while (System.currentTimeMillis() < writingUntil) {
            Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
            Thread.sleep(100);
            assertThat(dir("error")).as("a file being written is not read").isEmptyDirectory();
            assertThat(dir("done")).isEmptyDirectory();
        }
        Files.writeString(file, whole.substring(half), StandardOpenOption.APPEND);

        awaitDone("slow.json");
        assertThat(workorders().countDocuments(new Document("number", new Document("$in", List.of(41, 42))))).isEqualTo(2);
        assertThat(dir("error")).isEmptyDirectory();
    }

    @Test
    void uniqueIndexOnNumberIsCreated() {
        await().untilAsserted(() -> assertThat(workorders().listIndexes())
                .anySatisfy(index -> {
                    assertThat(index.get("key", Document.class)).containsEntry("number", 1);
                    assertThat(index.getBoolean("unique")).isTrue();
                }));
    }
    /** Waits until the files are in the done folder: moved there only once all their records are in MongoDB. */
    private void awaitDone(String... names) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (String name : names) {
                assertThat(dir("done").resolve(name)).exists();
            }
        });
    }

    private void assertDocument(int number, String expected) {
        Document wanted = extJson(REF + expected);
        wanted.remove("_id");
        wanted.remove("_comment");
        Document actual = workorders().find(new Document("number", number)).first();
        assertThat(actual).isNotNull();
        assertThat(actual.remove("_id")).isInstanceOf(ObjectId.class);
        // the provenance sub-document is added to the stored shape (WorkOrdersProvenanceTest checks it)
        assertThat(actual.remove("_sync")).isInstanceOf(Document.class);
        assertThat(actual).containsExactlyInAnyOrderEntriesOf(wanted);
    }

}
