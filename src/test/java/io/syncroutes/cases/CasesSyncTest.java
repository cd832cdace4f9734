package io.syncroutes.cases;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncroutes.Fixtures;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The pull: full walks and deltas against the Intempus simulator over HTTP, checked in MongoDB. */
class CasesSyncTest extends CasesTestSupport {

    @Test
    void fullSyncStoresTheReferenceCaseAsReceivedWith64BitTimestamp() throws Exception {
        ObjectNode reference = (ObjectNode) Fixtures.json(REF + "iamlgh_9611850_A_data.json");
        intempus().put(reference);
        intempus().generate(24);

        sync();

        assertThat(cases().countDocuments()).isEqualTo(25);
        BsonDocument stored = cases().withDocumentClass(BsonDocument.class).find(new Document("_id", 9611850L)).first();
        assertThat(stored).isNotNull();
        assertThat(stored.get("logical_timestamp")).isEqualTo(new BsonInt64(9113344546L));
        assertThat(stored.get("_id")).isEqualTo(new BsonInt64(9611850L));
        Document doc = local(9611850L);
        doc.remove("_id");
        // the provenance sub-document is added to the stored shape (CasesProvenanceTest checks it)
        assertThat(doc.remove("_sync")).isInstanceOf(Document.class);
        assertThat(Fixtures.JSON.readTree(Fixtures.JSON.writeValueAsString(doc))).isEqualTo(reference);
        // 25 cases in pages of 10: 3 requests
        assertThat(intempus().pageRequests()).isEqualTo(3);
        assertThat(flow().getLastRun()).startsWith("cases full sync: pages=3 inserted=25 updated=0 deleted=0 unchanged=0");
    }

    @Test
    void updatesOnlyWhenNewerAndEqualTimestampWritesNothing() throws Exception {
        List<Long> ids = intempus().generate(5);
        intempus().put((ObjectNode) Fixtures.json(REF + "iamlgh_9611850_A_data.json"));
        sync();

        // the same case with numbers instead of strings, but the same logical timestamp: not written
        ObjectNode sameTimestamp = (ObjectNode) Fixtures.json(REF + "iamlgh_9611850_B_data.json");
        intempus().delete(9611850L);
        intempus().put(sameTimestamp);
        intempus().touch(ids.get(2));
        forceFull();
        sync();

        assertThat(local(9611850L).get("hour_budget")).isEqualTo("155.50");
        assertThat(local(ids.get(2)).getString("name")).contains("changed");
        assertThat(local(ids.get(2)).getLong("logical_timestamp")).isEqualTo(intempus().get(ids.get(2)).get("logical_timestamp").asLong());
        assertThat(flow().getLastRun()).startsWith("cases full sync: pages=1 inserted=0 updated=1 deleted=0 unchanged=5");
    }

    @Test
    void mixedChangesAcrossPagesThenDeletionsInAFullWalk() {
        List<Long> ids = intempus().generate(35);
        sync();
        assertThat(cases().countDocuments()).isEqualTo(35);

        intempus().touch(ids.get(3));
        intempus().touch(ids.get(17));
        intempus().touch(ids.get(34));
        intempus().delete(ids.get(0));
        intempus().delete(ids.get(21));
        List<Long> added = intempus().generate(2);
        forceFull();
        sync();

        assertThat(flow().getLastRun()).startsWith("cases full sync: pages=4 inserted=2 updated=3 deleted=2 unchanged=30");
        assertThat(local(ids.get(0))).isNull();
        assertThat(local(ids.get(21))).isNull();
        assertThat(local(added.get(1))).isNotNull();
        assertThat(cases().countDocuments()).isEqualTo(intempus().size());
        for (long id : intempus().ids()) {
            assertThat(local(id).getLong("logical_timestamp")).isEqualTo(intempus().get(id).get("logical_timestamp").asLong());
        }
    }

    @Test
    void aPageFailingMidWalkDeletesNothingAndLeavesTheStateAsItWas() {
        List<Long> ids = intempus().generate(30);
        sync();
        Document stateBefore = syncState().find().first();
        intempus().delete(ids.get(29));
        intempus().touch(ids.get(1));
        // the second page fails on every attempt (retries included)
        intempus().fail("offset=10", 500, null, 100);
        forceFull();
        Document forcedState = syncState().find().first();

        sync();

        assertThat(local(ids.get(29))).as("a partial walk deletes nothing").isNotNull();
        assertThat(local(ids.get(1)).getString("name")).as("the page before the failure was applied (newer data only)").contains("changed");
        assertThat(syncState().find().first()).isEqualTo(forcedState);
        assertThat(flow().getRecentErrors().get("sync")).contains("failed at offset 10").contains("Intempus answered 500");
        assertThat(stateBefore).isNotNull();

        intempus().clearFaults();
        sync();
        assertThat(local(ids.get(29))).isNull();
        assertThat(flow().getLastRun()).startsWith("cases full sync: pages=3 inserted=0 updated=0 deleted=1 unchanged=29");
    }

    @Test
    void aMalformedRemoteCaseIsReportedAndTheRestGoesOn() {
        List<Long> ids = intempus().generate(5);
        ObjectNode malformed = intempus().get(ids.get(0)).deepCopy();
        malformed.put("id", 777L).put("logical_timestamp", "not-a-number");
        intempus().putRaw(777L, malformed);

        sync();

        assertThat(flow().getLastRun()).startsWith("cases full sync: pages=1 inserted=5 updated=0 deleted=0 unchanged=0 rejected=1")
                .contains("case 777=logical_timestamp is not an integer (\"not-a-number\")");
        assertThat(flow().getRecentErrors()).containsKey("case 777");
        assertThat(local(777L)).isNull();
        intempus().delete(ids.get(4));
        forceFull();
        sync();
        assertThat(flow().getLastRun()).as("the malformed case does not block deletions").contains("deleted=1");
        assertThat(local(ids.get(4))).isNull();
    }

    /** Makes the next run a full walk, as when INTEMPUS_FULL_SYNC_INTERVAL_MS has passed. */
    private void forceFull() {
        syncState().updateOne(new Document("_id", "cases"), new Document("$set", new Document("lastFullAt", null)));
    }
}
