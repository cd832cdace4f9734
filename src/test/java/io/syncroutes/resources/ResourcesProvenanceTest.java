package io.syncroutes.resources;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncroutes.Http;
import io.syncroutes.shared.SyncRuns;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.syncroutes.Fixtures.JSON;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs and provenance of the resources flow against the Focus simulator: a row loaded by a full run and updated by a
 * delta names the delta run, its kind of lines and its row timestamp; a row a later delta deletes is in the ledger
 * with that run (once, though the deleted line comes again on later runs).
 */
class ResourcesProvenanceTest extends ResourcesTestSupport {

    @Test
    void aRowLoadedThenUpdatedThenDeletedNamesEachRun() throws Exception {
        focus().put("promotions", promotion(id(1), "Promotion 1", 0.1));
        focus().put("promotions", promotion(id(2), "Promotion 2", 0.2));
        runOnce();
        Document loaded = collection("promotions").find(new Document("_id", id(1))).first().get("_sync", Document.class);
        String fullRun = loaded.getString("runId");
        assertThat(loaded.get("source", Document.class)).containsEntry("resource", "promotions").containsEntry("kind", "full")
                .containsEntry("rowTimestamp", focus().rows("promotions").get(0).get("created_at").asText());

        focus().put("promotions", promotion(id(1), "Promotion 1 renamed", 0.5));
        runOnce();
        Document updated = collection("promotions").find(new Document("_id", id(1))).first().get("_sync", Document.class);
        String deltaRun = updated.getString("runId");
        assertThat(deltaRun).isNotEqualTo(fullRun);
        assertThat(updated.get("source", Document.class)).containsEntry("kind", "updated")
                .containsEntry("rowTimestamp", focus().rows("promotions").get(0).get("updated_at").asText());
        assertThat(collection("promotions").find(new Document("_id", id(2))).first().get("_sync", Document.class).getString("runId"))
                .as("a row the delta did not send keeps its run").isEqualTo(fullRun);

        focus().delete("promotions", promotion(id(2), "", 0));
        runOnce();
        runOnce();
        flush();

        JsonNode runs = JSON.readTree(Http.get(url("/observe/runs?flow=resources&limit=10")).body()).path("runs");
        assertThat(runs).hasSize(4);
        String deletingRun = runs.get(1).path("_id").asText();
        assertThat(runs.get(1).path("counts").path("deleted").asLong()).isEqualTo(1);
        assertThat(runs.get(3).path("_id").asText()).isEqualTo(fullRun);
        assertThat(runs.get(3).path("counts").path("created").asLong()).isEqualTo(2);
        assertThat(runs.get(3).path("trigger").asText()).isEqualTo("once");

        JsonNode row1 = JSON.readTree(Http.get(url("/observe/provenance/resources-promotions/" + id(1))).body());
        assertThat(row1.path("writes").get(0).path("runId").asText()).isEqualTo(deltaRun);
        assertThat(row1.path("writes").get(0).path("run").path("subject").asText()).isEqualTo("Focus promotions (delta)");
        JsonNode row2 = JSON.readTree(Http.get(url("/observe/provenance/resources-promotions/" + id(2))).body());
        assertThat(row2.path("stored").asBoolean(true)).isFalse();
        assertThat(row2.path("writes")).singleElement().satisfies(w -> {
            assertThat(w.path("action").asText()).isEqualTo("deleted");
            assertThat(w.path("runId").asText()).isEqualTo(deletingRun);
        });
    }

    private void flush() {
        assertThat(context.getRegistry().lookupByNameAndType("syncRuns", SyncRuns.class).flush(Duration.ofSeconds(10))).isTrue();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + httpPort() + path;
    }
}
