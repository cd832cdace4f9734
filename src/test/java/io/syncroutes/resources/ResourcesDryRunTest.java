package io.syncroutes.resources;

import io.syncroutes.shared.FlowState;
import io.syncroutes.shared.SyncState;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** RESOURCES_DRY_RUN=true: a full reload plans what it would create, update and delete, and writes nothing. */
class ResourcesDryRunTest extends ResourcesTestSupport {

    @Override
    protected Properties resourcesProperties() {
        Properties props = new Properties();
        props.put("focus.dry-run", "true");
        return props;
    }

    @Test
    @SuppressWarnings("unchecked")
    void aFullReloadPlansAndWritesNothing() {
        for (int i = 1; i <= 3; i++) {
            focus().put("promotions", promotion(id(i), "Promotion " + i, 0.1 * i));
        }
        // stored before: rows 1 and 2, and row 99 that Focus no longer has (no state yet: a full reload)
        for (int i : new int[] {1, 2, 99}) {
            collection("promotions").insertOne(new Document("_id", id(i)).append("name", "old " + i).append("_syncRun", 1L));
        }
        List<Document> before = collection("promotions").find().into(new ArrayList<>());

        runOnce();

        assertThat(collection("promotions").find().into(new ArrayList<>())).as("nothing written").isEqualTo(before);
        assertThat(state("promotions")).as("no state saved").isNull();
        assertThat(logLines("DRY RUN (nothing written) Focus promotions (full)")).singleElement().asString()
                .contains("created=1 [" + id(3) + "]", "updated=2 [" + id(1) + ", " + id(2) + "]", "deleted=1 [" + id(99) + "]",
                        "(local 3 -> 3 rows, Focus 3)");
        FlowState flow = context.getRegistry().lookupByNameAndType("syncState", SyncState.class).flow("resources-promotions");
        Map<String, Object> actions = (Map<String, Object>) flow.getLastPlan().get("actions");
        assertThat(((Map<String, Object>) actions.get("deleted")).get("count")).isEqualTo(1L);
        assertThat(flow.total("created")).as("totals count what was written").isZero();
        assertThat(collection("promotions").listIndexes().into(new ArrayList<>())).as("no index created").hasSize(1);
    }
}
