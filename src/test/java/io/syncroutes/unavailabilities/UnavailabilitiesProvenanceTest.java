package io.syncroutes.unavailabilities;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncroutes.Http;
import io.syncroutes.shared.SyncRuns;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unavailabilities in the ledger against the Qargo simulator: a local unavailability created by one run, updated by
 * the next and deleted by a third names each run (started by JMX) and its master unavailability.
 */
class UnavailabilitiesProvenanceTest extends UnavailabilitiesTestSupport {

    @Test
    void aLocalUnavailabilityCreatedUpdatedAndDeletedNamesEachRunAndItsMaster() throws Exception {
        String masterDriver = master().addFleetResource("John Driver", "DRIVER", Map.of("employeenumber", "E-001"), null);
        String localDriver = local().addFleetResource("J. Driver", "DRIVER", Map.of("employeenumber", "E-001"), null);
        String masterId = master().putUnavailability(masterDriver,
                unavailability(null, "2025-01-08T00:00:00+00:00", "2025-01-12T00:00:00+00:00", "DRIVER_HOLIDAY", "HR00001", null));
        runNow();
        ObjectNode created = local().unavailabilities(localDriver).get(0);
        String localId = created.get("id").asText();

        master().putUnavailability(masterDriver,
                unavailability(masterId, "2025-01-09T00:00:00+00:00", "2025-01-12T00:00:00+00:00", "DRIVER_HOLIDAY", "HR00001, corrected", null));
        runNow();
        master().deleteUnavailability(masterDriver, masterId);
        runNow();
        assertThat(local().unavailabilities(localDriver)).isEmpty();

        assertThat(context.getRegistry().lookupByNameAndType("syncRuns", SyncRuns.class).flush(Duration.ofSeconds(10))).isTrue();
        JsonNode provenance = JSON.readTree(Http.get(url("/observe/provenance/unavailabilities/" + localId)).body());
        JsonNode writes = provenance.path("writes");
        assertThat(writes).extracting(w -> w.path("action").asText()).containsExactly("deleted", "updated", "created");
        assertThat(writes).extracting(w -> w.path("source").path("masterId").asText()).containsOnly(masterId);
        assertThat(writes).extracting(w -> w.path("runId").asText()).doesNotHaveDuplicates();
        assertThat(writes.get(2).path("source").path("localFleetResource").asText()).isEqualTo(localDriver);
        assertThat(writes.get(2).path("run").path("trigger").asText()).isEqualTo("jmx");

        JsonNode runs = JSON.readTree(Http.get(url("/observe/runs?flow=unavailabilities&limit=3")).body()).path("runs");
        assertThat(runs).extracting(r -> r.path("_id").asText())
                .containsExactly(writes.get(0).path("runId").asText(), writes.get(1).path("runId").asText(), writes.get(2).path("runId").asText());
        assertThat(runs.get(2).path("counts").path("created").asLong()).isEqualTo(1);
        assertThat(runs.get(0).path("counts").path("deleted").asLong()).isEqualTo(1);
        assertThat(runs.get(0).path("dryRun").asBoolean(true)).isFalse();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + httpPort() + path;
    }
}
