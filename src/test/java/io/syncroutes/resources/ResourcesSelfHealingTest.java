package io.syncroutes.resources;

import io.syncroutes.shared.SyncState;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The count check: a deletion the delta feed never reports leaves one row too many; the run says so, and the next
 * run reloads fully and removes the row. An invalid line: reported with resource and line number, the state does
 * not move, the next run brings every row.
 */
class ResourcesSelfHealingTest extends ResourcesTestSupport {

    @Test
    void countMismatchMakesTheNextRunAFullReload() {
        for (int i = 1; i <= 3; i++) {
            focus().put("promotions", promotion(id(i), "Promotion " + i, 0.1));
        }
        runOnce();
        focus().deleteUnreported("promotions", promotion(id(2), "", 0));

        runOnce();

        assertThat(logLines("Focus promotions (delta): lines=0 created=0 updated=0 deleted=0 local=3 remote=2 in ")).hasSize(1);
        assertThat(logLines("errors={count mismatch=local 3 rows, Focus 2: full reload on the next run}")).hasSize(1);
        assertThat(state("promotions").getBoolean("fullReloadRequired")).isTrue();
        assertThat(context.getRegistry().lookupByNameAndType("syncState", SyncState.class).flow("resources-promotions").getLag()).as("remote minus local").isEqualTo(2 - 3);

        runOnce();

        assertThat(focus().requests("full")).isEqualTo(2);
        assertThat(logLines("Focus promotions (full): lines=2 created=0 updated=2 deleted=1 local=2 remote=2 in ")).hasSize(1);
        assertThat(collection("promotions").find(new Document("_id", id(2))).first()).isNull();
        assertThat(localRows("promotions")).isEqualTo(remoteRows("promotions"));
        assertThat(state("promotions").getBoolean("fullReloadRequired")).isFalse();

        runOnce();
        assertThat(logLines("Focus promotions (delta): lines=0 created=0 updated=0 deleted=0 local=2 remote=2 in ")).hasSize(1);
    }

    @Test
    void invalidLineFailsTheRunWithoutMovingTheStateAndTheNextRunRecovers() {
        for (int i = 1; i <= 5; i++) {
            focus().put("promotions", promotion(id(i), "Promotion " + i, 0.1));
        }
        focus().corruptNextResponse("promotions", 4);

        runOnce();

        assertThat(logLines("WARN")).filteredOn(l -> l.contains("Focus promotions (full)")).singleElement().asString()
                .contains("Focus promotions full lines, line 4: not a valid JSON object").contains("FAILED, state unchanged");
        // at most the rows before the bad line went in (the streaming split reads one batch ahead)
        assertThat(collection("promotions").countDocuments()).isLessThanOrEqualTo(3);
        assertThat(state("promotions")).isNull();
        assertThat(context.getRegistry().lookupByNameAndType("syncState", SyncState.class).flow("resources-promotions")
                .getRecentErrors().toString()).contains("line 4");

        runOnce();
        assertThat(localRows("promotions")).isEqualTo(remoteRows("promotions"));
        assertThat(state("promotions").get("lastRun", Document.class)).containsEntry("mode", "full").containsEntry("localCount", 5L);

        // in a delta: the window is repeated
        String delta = state("promotions").getString("deltaTimestamp");
        focus().put("promotions", promotion(id(6), "Promotion 6", 0.1));
        focus().put("promotions", promotion(id(7), "Promotion 7", 0.1));
        focus().put("promotions", promotion(id(8), "Promotion 8", 0.1));
        focus().corruptNextResponse("promotions", 3);
        runOnce();
        assertThat(logLines("Focus promotions created lines, line 3: not a valid JSON object")).filteredOn(l -> l.contains(" WARN "))
                .singleElement().asString().contains("FAILED, state unchanged");
        assertThat(state("promotions").getString("deltaTimestamp")).isEqualTo(delta);
        runOnce();
        assertThat(localRows("promotions")).isEqualTo(remoteRows("promotions"));
        assertThat(logLines("Focus promotions (delta): lines=3 ")).singleElement().asString().contains("local=8 remote=8");
    }
}
