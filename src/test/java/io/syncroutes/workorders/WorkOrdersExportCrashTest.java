package io.syncroutes.workorders;

import io.syncroutes.SyncRoutesTestSupport;
import org.apache.camel.builder.AdviceWith;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static io.syncroutes.Fixtures.extJson;
import static io.syncroutes.Fixtures.json;
import static io.syncroutes.Fixtures.readJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What happens between writing the files and marking the documents: a crash, or an import of a newer version. */
class WorkOrdersExportCrashTest extends SyncRoutesTestSupport {

    private static final String REF = "reference/tracos-workorders/";
    private static final String MARK = "workorders-mark-synced";

    @Override
    public boolean isUseAdviceWith() {
        return true;
    }

    @Test
    void crashAfterTheFileIsWrittenRewritesTheSameFileNextRun() throws Exception {
        AtomicInteger crashes = new AtomicInteger();
        AdviceWith.adviceWith(context, "workorders-export-run", route -> route.weaveById(MARK).before().process(exchange -> {
            if (crashes.getAndIncrement() == 0) {
                throw new IllegalStateException("simulated crash between write and mark");
            }
        }));
        context.start();
        workorders().insertOne(extJson(REF + "tracos_doc_translator_test_42.extjson.json"));

        await().atMost(Duration.ofSeconds(30)).until(() -> crashes.get() >= 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> Boolean.TRUE.equals(
                workorders().find(new Document("number", 42)).first().getBoolean("isSynced")));
        assertThat(readJson(dir("outbound").resolve("workorder_42.json")))
                .isEqualTo(json(REF + "DERIVED_expected_outbound_from_tracos_42.json"));
        assertThat(dir("outbound")).isDirectoryNotContaining("glob:**/.*");
    }

    @Test
    void workOrderChangedByAnImportDuringTheExportIsExportedAgain() throws Exception {
        AtomicInteger marks = new AtomicInteger();
        AdviceWith.adviceWith(context, "workorders-export-run", route -> route.weaveById(MARK).before().process(exchange -> {
            if (marks.getAndIncrement() == 0) {
                workorders().updateOne(new Document("number", 42), new Document("$set",
                        new Document("description", "changed meanwhile").append("isSynced", false)));
            }
        }));
        context.start();
        workorders().insertOne(extJson(REF + "tracos_doc_translator_test_42.extjson.json"));

        await().atMost(Duration.ofSeconds(30)).until(() -> "changed meanwhile".equals(
                readJsonQuietly().path("summary").asText()));
        await().atMost(Duration.ofSeconds(10)).until(() -> Boolean.TRUE.equals(
                workorders().find(new Document("number", 42)).first().getBoolean("isSynced")));
        assertThat(marks.get()).isGreaterThanOrEqualTo(2);
    }

    private com.fasterxml.jackson.databind.JsonNode readJsonQuietly() {
        try {
            return readJson(dir("outbound").resolve("workorder_42.json"));
        } catch (RuntimeException e) {
            return io.syncroutes.Fixtures.JSON.createObjectNode();
        }
    }
}
