package io.syncroutes.workorders;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncroutes.Http;
import io.syncroutes.SyncRoutesTestSupport;
import io.syncroutes.shared.SyncRuns;
import org.apache.camel.ProducerTemplate;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Properties;

import static io.syncroutes.Fixtures.JSON;
import static io.syncroutes.Fixtures.drop;
import static io.syncroutes.Fixtures.workOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs and provenance of the work-order flows end to end: files imported by two batches, the stored work order's
 * {@code _sync}, the runs in {@code sync_runs} and the answers of {@code /observe/runs} and
 * {@code /observe/provenance/workorders/{number}}; an export pass named by each work order it wrote; the
 * retention's purge.
 */
class WorkOrdersProvenanceTest extends SyncRoutesTestSupport {

    @Override
    protected Properties properties() {
        Properties props = new Properties();
        props.put("workorders.export.interval-ms", "3600000");
        return props;
    }

    @Test
    void aWorkOrderImportedByTwoRunsNamesBothWithTheirFilesAndRecordIndexes() throws Exception {
        drop(dir("inbound"), "first.json", "[" + workOrder(4710, "2025-01-01T00:00:00Z") + "," + workOrder(4711, "2025-01-01T00:00:00Z") + "]");
        awaitDone("first.json");
        Document first = stored(4711);
        String firstRun = first.get("_sync", Document.class).getString("runId");

        drop(dir("inbound"), "second.json", workOrder(4711, "2025-02-01T00:00:00Z").toString());
        awaitDone("second.json");
        Document sync = stored(4711).get("_sync", Document.class);
        String secondRun = sync.getString("runId");
        assertThat(secondRun).isNotEqualTo(firstRun);
        assertThat(sync.get("source", Document.class)).containsEntry("file", "second.json").containsEntry("index", 0L);
        assertThat(sync.getDate("writtenAt")).isCloseTo(new Date(), 60_000);
        assertThat(sync).as("the latest write only; the one it replaced is in the ledger").doesNotContainKey("history");

        flush();
        JsonNode run = JSON.readTree(Http.get(url("/observe/runs/" + secondRun)).body());
        assertThat(run.path("flow").asText()).isEqualTo("workorders-inbound");
        assertThat(run.path("trigger").asText()).isEqualTo("file poll");
        assertThat(run.path("counts").path("files").asLong()).isEqualTo(1);
        assertThat(run.path("counts").path("upserted").asLong()).isEqualTo(1);
        assertThat(run.path("counts").path("new").asLong()).isZero();
        assertThat(run.path("dryRun").asBoolean(true)).isFalse();
        assertThat(run.path("instance").path("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
        assertThat(JSON.readTree(Http.get(url("/observe/runs/" + firstRun)).body()).path("counts").path("new").asLong()).isEqualTo(2);

        JsonNode runs = JSON.readTree(Http.get(url("/observe/runs?flow=workorders-inbound&limit=10")).body()).path("runs");
        assertThat(runs).extracting(r -> r.path("_id").asText()).containsExactly(secondRun, firstRun);

        JsonNode provenance = JSON.readTree(Http.get(url("/observe/provenance/workorders/4711")).body());
        JsonNode writes = provenance.path("writes");
        assertThat(writes).hasSize(2);
        assertThat(writes.get(0).path("runId").asText()).isEqualTo(secondRun);
        assertThat(writes.get(0).path("source").path("file").asText()).isEqualTo("second.json");
        assertThat(writes.get(0).path("run").path("trigger").asText()).isEqualTo("file poll");
        assertThat(writes.get(1).path("runId").asText()).isEqualTo(firstRun);
        assertThat(writes.get(1).path("source").path("file").asText()).isEqualTo("first.json");
        assertThat(writes.get(1).path("source").path("index").asLong()).isEqualTo(1);
        assertThat(writes.get(1).path("at").asText()).isEqualTo(first.get("_sync", Document.class).getDate("writtenAt").toInstant().toString());
        assertThat(Http.get(url("/observe/provenance/workorders/999999")).statusCode()).isEqualTo(404);
        assertThat(Http.get(url("/observe/runs/no-such-run")).statusCode()).isEqualTo(404);
    }

    @Test
    void anExportPassIsARunAndEachWorkOrderNamesTheFileItWroteWhichCarriesNoProvenance() throws Exception {
        drop(dir("inbound"), "one.json", workOrder(88, "2025-01-01T00:00:00Z").toString());
        awaitDone("one.json");

        try (ProducerTemplate template = context.createProducerTemplate()) {
            template.requestBody("direct:workorders-export-run", (Object) null);
        }
        String exported = Files.readString(dir("outbound").resolve("workorder_88.json"));
        assertThat(exported).doesNotContain("_sync").doesNotContain("runId");

        flush();
        JsonNode runs = JSON.readTree(Http.get(url("/observe/runs?flow=workorders-export")).body()).path("runs");
        assertThat(runs).hasSize(1);
        assertThat(runs.get(0).path("trigger").asText()).isEqualTo("once");
        assertThat(runs.get(0).path("counts").path("exported").asLong()).isEqualTo(1);
        JsonNode writes = JSON.readTree(Http.get(url("/observe/provenance/workorders/88")).body()).path("writes");
        assertThat(writes).extracting(w -> w.path("action").asText()).containsExactly("exported", "stored");
        assertThat(writes.get(0).path("source").path("file").asText()).isEqualTo("workorder_88.json");
        assertThat(writes.get(0).path("runId").asText()).isEqualTo(runs.get(0).path("_id").asText());
    }

    @Test
    void runsAndLedgerEntriesOlderThanTheRetentionArePurgedAndTheTtlIndexesExist() throws Exception {
        SyncRuns runs = context.getRegistry().lookupByNameAndType("syncRuns", SyncRuns.class);
        Date old = Date.from(new Date().toInstant().minus(Duration.ofDays(31)));
        Date recent = Date.from(new Date().toInstant().minus(Duration.ofDays(29)));
        var db = mongo().getDatabase("tractian");
        db.getCollection("sync_runs").insertMany(List.of(new Document("_id", "old").append("flow", "workorders-inbound").append("startedAt", old).append("endedAt", old),
                new Document("_id", "recent").append("flow", "workorders-inbound").append("startedAt", recent).append("endedAt", recent)));
        db.getCollection("sync_ledger").insertMany(List.of(new Document("flow", "workorders").append("key", "1").append("at", old),
                new Document("flow", "workorders").append("key", "2").append("at", recent)));

        JsonNode purged = JSON.readTree(Http.post(url("/observe/jolokia/"),
                "{\"type\":\"exec\",\"mbean\":\"io.syncroutes:type=Provenance\",\"operation\":\"purge\"}").body());
        assertThat(purged.path("status").asInt()).as(purged.toString()).isEqualTo(200);
        assertThat(JSON.readTree(purged.path("value").asText()).path("runsRemoved").asLong()).isEqualTo(1);
        assertThat(db.getCollection("sync_runs").find(new Document("_id", "old")).first()).isNull();
        assertThat(db.getCollection("sync_runs").find(new Document("_id", "recent")).first()).isNotNull();
        assertThat(db.getCollection("sync_ledger").countDocuments()).isEqualTo(1);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(db.getCollection("sync_runs").listIndexes())
                .anySatisfy(index -> {
                    assertThat(index.get("key", Document.class)).containsEntry("endedAt", 1);
                    assertThat(((Number) index.get("expireAfterSeconds")).longValue()).isEqualTo(Duration.ofDays(30).toSeconds());
                }));
        assertThat(db.getCollection("sync_ledger").listIndexes()).anySatisfy(index -> {
            assertThat(index.get("key", Document.class)).containsEntry("at", 1);
            assertThat(((Number) index.get("expireAfterSeconds")).longValue()).isEqualTo(Duration.ofDays(30).toSeconds());
        });
        assertThat(runs.retention()).isEqualTo(Duration.ofDays(30));
    }

    private void flush() {
        assertThat(context.getRegistry().lookupByNameAndType("syncRuns", SyncRuns.class).flush(Duration.ofSeconds(10))).isTrue();
    }

    private Document stored(int number) {
        return workorders().find(new Document("number", number)).first();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + httpPort() + path;
    }

    private void awaitDone(String name) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(dir("done").resolve(name)).exists());
    }
}
