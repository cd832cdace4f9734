package io.syncroutes.cases;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncroutes.shared.SyncRuns;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.syncroutes.Fixtures.JSON;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs and provenance of the cases flow against the Intempus simulator: a case written by a full walk and updated
 * by a delta names both runs with its Intempus id and logical timestamp; a case the next full walk deletes, and one
 * changed through the local API, are in its provenance too; {@code /case} shows {@code _sync} only when asked.
 */
class CasesProvenanceTest extends CasesTestSupport {

    @Test
    void aCaseUpdatedByTwoRunsNamesBothWithItsLogicalTimestamps() throws Exception {
        List<Long> ids = intempus().generate(3);
        long id = ids.get(0);
        sync();
        long firstTimestamp = intempus().get(id).get("logical_timestamp").asLong();
        String firstRun = local(id).get("_sync", Document.class).getString("runId");
        intempus().touch(id);
        sync();

        Document sync = local(id).get("_sync", Document.class);
        String secondRun = sync.getString("runId");
        assertThat(secondRun).isNotEqualTo(firstRun);
        assertThat(sync.get("source", Document.class)).containsEntry("intempusId", id)
                .containsEntry("logical_timestamp", intempus().get(id).get("logical_timestamp").asLong());
        assertThat(sync.getList("history", Document.class)).extracting(h -> h.getString("runId")).containsExactly(firstRun, secondRun);
        assertThat(local(ids.get(1)).get("_sync", Document.class).getString("runId")).as("not changed by the delta").isEqualTo(firstRun);

        flush();
        JsonNode first = JSON.readTree(call("GET", url("/observe/runs/" + firstRun), null).body());
        assertThat(first.path("subject").asText()).isEqualTo("cases full sync");
        assertThat(first.path("counts").path("inserted").asLong()).isEqualTo(3);
        assertThat(first.path("trigger").asText()).isEqualTo("once");
        JsonNode second = JSON.readTree(call("GET", url("/observe/runs/" + secondRun), null).body());
        assertThat(second.path("subject").asText()).isEqualTo("cases delta sync");
        assertThat(second.path("counts").path("updated").asLong()).isEqualTo(1);

        JsonNode writes = JSON.readTree(call("GET", url("/observe/provenance/cases/" + id), null).body()).path("writes");
        assertThat(writes).extracting(w -> w.path("runId").asText()).containsExactly(secondRun, firstRun);
        assertThat(writes.get(1).path("source").path("logical_timestamp").asLong()).isEqualTo(firstTimestamp);
        assertThat(writes.get(0).path("run").path("subject").asText()).isEqualTo("cases delta sync");
    }

    @Test
    void theCaseApiLeavesSyncOutUnlessAskedAndItsWritesAreRunsOfTheirOwn() throws Exception {
        long id = intempus().generate(1).get(0);
        sync();

        JsonNode plain = JSON.readTree(call("GET", url("/case/" + id), null).body());
        assertThat(plain.has("_sync")).isFalse();
        JsonNode listed = JSON.readTree(call("GET", url("/case?limit=5"), null).body());
        assertThat(listed.path("objects").get(0).has("_sync")).isFalse();
        JsonNode asked = JSON.readTree(call("GET", url("/case/" + id + "?provenance=true"), null).body());
        assertThat(asked.path("_sync").path("runId").asText()).isEqualTo(local(id).get("_sync", Document.class).getString("runId"));
        assertThat(asked.path("_sync").path("writtenAt").asText()).endsWith("Z");

        assertThat(call("PUT", url("/case/" + id), "{\"name\": \"Renamed\"}").statusCode()).isEqualTo(201);
        flush();
        JsonNode writes = JSON.readTree(call("GET", url("/observe/provenance/cases/" + id), null).body()).path("writes");
        assertThat(writes).hasSize(2);
        assertThat(writes.get(0).path("source").path("api").asText()).isEqualTo("api_updated");
        assertThat(writes.get(0).path("run").path("trigger").asText()).isEqualTo("rest");

        assertThat(call("DELETE", url("/case/" + id), null).statusCode()).isEqualTo(204);
        flush();
        JsonNode afterDelete = JSON.readTree(call("GET", url("/observe/provenance/cases/" + id), null).body());
        assertThat(afterDelete.path("stored").asBoolean(true)).isFalse();
        assertThat(afterDelete.path("writes").get(0).path("action").asText()).isEqualTo("deleted");
        assertThat(afterDelete.path("writes").get(0).path("run").path("trigger").asText()).isEqualTo("rest");
    }

    @Test
    void aCaseAFullWalkDeletesIsInTheLedgerWithThatRun() throws Exception {
        List<Long> ids = intempus().generate(3);
        sync();
        intempus().delete(ids.get(2));
        syncState().updateOne(new Document("_id", "cases"), new Document("$set", new Document("lastFullAt", null)));
        sync();
        assertThat(local(ids.get(2))).isNull();

        flush();
        JsonNode runs = JSON.readTree(call("GET", url("/observe/runs?flow=cases&limit=1"), null).body()).path("runs");
        assertThat(runs.get(0).path("counts").path("deleted").asLong()).isEqualTo(1);
        JsonNode provenance = JSON.readTree(call("GET", url("/observe/provenance/cases/" + ids.get(2)), null).body());
        JsonNode deleted = provenance.path("writes").get(0);
        assertThat(deleted.path("action").asText()).isEqualTo("deleted");
        assertThat(deleted.path("runId").asText()).isEqualTo(runs.get(0).path("_id").asText());
        assertThat(provenance.path("stored").asBoolean(true)).isFalse();
    }

    private void flush() {
        assertThat(context.getRegistry().lookupByNameAndType("syncRuns", SyncRuns.class).flush(Duration.ofSeconds(10))).isTrue();
    }
}
