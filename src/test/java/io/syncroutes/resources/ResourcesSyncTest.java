package io.syncroutes.resources;

import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Full load into an empty collection, then deltas with creates, updates and deletes; 401 -> one new token. */
class ResourcesSyncTest extends ResourcesTestSupport {

    @Test
    void fullLoadThenDeltaWithCreatesUpdatesAndDeletes() {
        for (int i = 1; i <= 3; i++) {
            focus().put("promotions", promotion(id(i), "Promotion " + i, 0.1 * i));
        }

        runOnce();

        // 3 lines in batches of 2: the last, partial batch is written too
        assertThat(collection("promotions").countDocuments()).isEqualTo(3);
        assertThat(localRows("promotions")).isEqualTo(remoteRows("promotions"));
        assertThat(collection("promotions").find(new Document("_id", id(2))).first()).containsEntry("name", "Promotion 2");
        Document state = state("promotions");
        assertThat(state.getString("deltaTimestamp")).isEqualTo(focus().rows("promotions").stream()
                .map(r -> Instant.parse(r.get("created_at").asText())).max(Instant::compareTo).orElseThrow().toString());
        assertThat(state.getBoolean("fullReloadRequired")).isFalse();
        assertThat(state.get("lastRun", Document.class)).containsEntry("mode", "full").containsEntry("created", 3L)
                .containsEntry("localCount", 3L).containsEntry("remoteCount", 3L);
        assertThat(logLines("Focus promotions (full): lines=3 created=3 updated=0 deleted=0 local=3 remote=3 in ")).hasSize(1);
        // on the wire: the full load without a timestamp, the state check with the newest row's, in the API's form
        Instant firstNewest = Instant.parse(state.getString("deltaTimestamp"));
        assertThat(deltaTimestampsSent("full")).containsExactly((String) null);
        assertThat(deltaTimestampsSent("state")).singleElement().satisfies(sent -> assertSentAs(sent, firstNewest));

        focus().put("promotions", promotion(id(1), "Promotion 1 renamed", 0.5));
        focus().put("promotions", promotion(id(4), "Promotion 4", 0.4));
        focus().put("promotions", promotion(id(5), "Promotion 5", 0.5));
        focus().delete("promotions", promotion(id(2), "", 0));

        runOnce();

        assertThat(localRows("promotions")).isEqualTo(remoteRows("promotions"));
        assertThat(collection("promotions").find(new Document("_id", id(2))).first()).isNull();
        assertThat(collection("promotions").find(new Document("_id", id(1))).first()).containsEntry("name", "Promotion 1 renamed");
        assertThat(logLines("Focus promotions (delta): lines=4 created=2 updated=1 deleted=1 local=4 remote=4 in ")).hasSize(1);
        assertThat(focus().requests("full")).isEqualTo(1);
        assertThat(focus().requests("created")).isEqualTo(1);
        assertThat(focus().requests("updated")).isEqualTo(1);
        assertThat(focus().requests("deleted")).isEqualTo(1);
        assertThat(focus().requests("auth")).as("one token serves both runs").isEqualTo(1);
        // the delta requests carry the first run's newest timestamp, the state check the newest one now
        for (String kind : List.of("created", "updated", "deleted")) {
            assertThat(deltaTimestampsSent(kind)).as(kind).singleElement().satisfies(sent -> assertSentAs(sent, firstNewest));
        }
        Instant secondNewest = Instant.parse(state("promotions").getString("deltaTimestamp"));
        assertThat(secondNewest).isAfter(firstNewest);
        assertThat(deltaTimestampsSent("state")).hasSize(2).last().satisfies(sent -> assertSentAs(sent, secondNewest));
        // the newest instant (not the greatest string: "...03Z" sorts after "...03.002Z")
        assertThat(state("promotions").getString("deltaTimestamp")).isEqualTo(
                focus().rows("promotions").stream().flatMap(r -> java.util.stream.Stream.of(r.get("created_at").asText(),
                        r.path("updated_at").asText(""))).filter(t -> !t.isEmpty()).map(Instant::parse)
                        .max(Instant::compareTo).orElseThrow().toString());

        // nothing changed: the deleted line comes again (deleted lines carry no timestamp to move past), deletes nothing
        String delta = state("promotions").getString("deltaTimestamp");
        runOnce();
        assertThat(logLines("Focus promotions (delta): lines=1 created=0 updated=0 deleted=0 local=4 remote=4 in ")).hasSize(1);
        assertThat(state("promotions").getString("deltaTimestamp")).isEqualTo(delta);
        assertThat(deltaTimestampsSent("created")).hasSize(2).last().satisfies(sent -> assertSentAs(sent, secondNewest));
        assertThat(context.getRegistry().lookupByNameAndType("syncState", io.syncroutes.shared.SyncState.class)
                .flow("resources-promotions").getLag()).isZero();
        String metrics = io.syncroutes.Http.get("http://127.0.0.1:" + httpPort() + "/observe/metrics").body();
        assertThat(metrics).contains("sync_lag{flow=\"resources-promotions\"} 0.0")
                .containsPattern("sync_last_run_age_seconds\\{flow=\"resources\"} [0-9]");
    }

    @Test
    void rejectedTokenIsRenewedOnceAndTheCallRepeated() {
        focus().put("promotions", promotion(id(1), "Promotion 1", 0.1));
        runOnce();
        assertThat(focus().requests("auth")).isEqualTo(1);

        focus().expireTokens();
        focus().put("promotions", promotion(id(2), "Promotion 2", 0.2));
        runOnce();

        assertThat(focus().requests("401")).isEqualTo(1);
        assertThat(focus().requests("auth")).isEqualTo(2);
        assertThat(collection("promotions").countDocuments()).isEqualTo(2);
        assertThat(logLines("Focus promotions (delta): lines=1 created=1 ")).hasSize(1);
        assertThat(logLines("WARN")).filteredOn(l -> l.contains("Focus")).isEmpty();
    }
}
