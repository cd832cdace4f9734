package io.syncroutes.workorders;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncroutes.SyncRoutesTestSupport;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Date;
import java.util.List;

import static io.syncroutes.Fixtures.extJson;
import static io.syncroutes.Fixtures.json;
import static io.syncroutes.Fixtures.readJson;
import static io.syncroutes.Fixtures.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Outbound work orders end to end: documents in MongoDB, files in the outbound folder, marks read back. */
class WorkOrdersExportTest extends SyncRoutesTestSupport {

    private static final String REF = "reference/tracos-workorders/";

    @Test
    void referenceDocumentsBecomeTheDerivedCustomerFiles() {
        workorders().insertOne(extJson(REF + "tracos_doc_translator_test_42.extjson.json"));
        workorders().insertOne(extJson(REF + "tracos_doc_e2e_data_integrity_999.extjson.json").append("isSynced", false));

        awaitSynced(2);
        assertThat(readJson(outbound("workorder_42.json"))).isEqualTo(json(REF + "DERIVED_expected_outbound_from_tracos_42.json"));
        assertThat(readJson(outbound("workorder_999.json"))).isEqualTo(json(REF + "DERIVED_expected_outbound_workorder_999.json"));
        for (Document doc : workorders().find()) {
            assertThat(doc.getBoolean("isSynced")).isTrue();
            assertThat(doc.getDate("syncedAt")).isCloseTo(new Date(), 60_000);
        }
    }

    @Test
    void seededCollectionWithoutIsSyncedIsExportedOnceInPages() throws Exception {
        List<Document> seeded = seedCollection();
        // more than one page (batch size 1,000)
        for (int i = 100; i < 1_300; i++) {
            workorders().insertOne(new Document(seeded.get(0)).append("number", i).append("_id", new org.bson.types.ObjectId()));
        }

        awaitSynced(seeded.size() + 1_200);
        try (var files = Files.list(dir("outbound"))) {
            assertThat(files.filter(p -> p.getFileName().toString().matches("workorder_\\d+\\.json"))).hasSize(seeded.size() + 1_200);
        }
        JsonNode second = readJson(outbound("workorder_2.json"));
        assertThat(second.get("isOnHold").asBoolean()).isTrue();
        assertThat(second.get("summary").asText()).isEqualTo("Example workorder #2 description");
        assertThat(second.get("creationDate").asText()).isEqualTo("2026-10-26T04:02:55.522000+00:00");
    }

    @Test
    void documentThatCannotBeTranslatedStaysUnsyncedAndDoesNotBlockOthers() {
        List<Document> seeded = seedCollection();
        workorders().updateOne(new Document("number", 1), new Document("$set", new Document("status", "archived")));

        awaitSynced(seeded.size() - 1);
        Document bad = workorders().find(new Document("number", 1)).first();
        assertThat(bad.get("isSynced")).isNull();
        assertThat(outbound("workorder_1.json")).doesNotExist();
        assertThat(outbound("workorder_2.json")).exists();
    }

    @Test
    void leftoverTempFileOfACrashedWriteIsReplacedByTheWholeFile() throws Exception {
        Files.writeString(dir("outbound").resolve(".workorder_42.json.tmp"), "{\"orderNo\": 42, \"summ");
        Files.writeString(dir("outbound").resolve("workorder_42.json"), "stale");
        workorders().insertOne(extJson(REF + "tracos_doc_translator_test_42.extjson.json"));

        awaitSynced(1);
        assertThat(readJson(outbound("workorder_42.json"))).isEqualTo(json(REF + "DERIVED_expected_outbound_from_tracos_42.json"));
        assertThat(dir("outbound").resolve(".workorder_42.json.tmp")).doesNotExist();
    }

    private List<Document> seedCollection() {
        List<Document> docs = Document.parse("{\"docs\": " + text(REF + "tracos_workorders_collection.extjson.json") + "}")
                .getList("docs", Document.class);
        workorders().insertMany(docs);
        return docs;
    }

    private void awaitSynced(long count) {
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(workorders().countDocuments(new Document("isSynced", true))).isEqualTo(count));
    }

    private Path outbound(String name) {
        return dir("outbound").resolve(name);
    }
}
