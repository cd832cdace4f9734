package io.syncroutes.resources;

import io.syncroutes.Fixtures;
import io.syncroutes.simulators.FocusSimulator;
import io.syncroutes.simulators.FocusSimulator.Column;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every configured resource is synced (the reference syncs only the first), each into its own collection; a
 * resource with a composite primary key is keyed by both columns; one failing resource does not stop the others;
 * a configured resource the schema does not have is reported.
 */
class ResourcesTwoResourcesTest extends ResourcesTestSupport {

    @Override
    protected void setUpResources(FocusSimulator simulator) {
        simulator.promotions("promotions");
        simulator.resource("prices", List.of(new Column("product_id", true, "string"), new Column("country", true, "string"),
                new Column("amount", false, "float64"), new Column("created_at", false, "time"), new Column("updated_at", false, "time")));
        simulator.promotions("not_configured");
    }

    @Override
    protected Properties resourcesProperties() {
        Properties props = new Properties();
        props.put("focus.resources", "promotions, prices, vouchers");
        return props;
    }

    @Test
    void everyConfiguredResourceIsSyncedAndOneFailingDoesNotStopTheOthers() {
        focus().put("promotions", promotion(id(1), "Promotion 1", 0.1));
        focus().put("prices", Fixtures.JSON.createObjectNode().put("product_id", "P1").put("country", "dk").put("amount", 10));
        focus().put("prices", Fixtures.JSON.createObjectNode().put("product_id", "P1").put("country", "se").put("amount", 11));
        focus().put("prices", Fixtures.JSON.createObjectNode().put("product_id", "P2").put("country", "dk").put("amount", 12));
        focus().put("not_configured", promotion(id(9), "Promotion 9", 0.1));
        focus().corruptNextResponse("promotions", 1);

        runOnce();

        assertThat(logLines("Focus promotions (full)")).filteredOn(l -> l.contains(" WARN ")).hasSize(1);
        assertThat(logLines("Focus prices (full): lines=3 created=3 updated=0 deleted=0 local=3 remote=3 in ")).hasSize(1);
        assertThat(logLines("Focus vouchers: skipped: resource vouchers is not in the Focus schema (FOCUS_RESOURCES)")).hasSize(1);
        assertThat(collection("prices").find(new Document("_id", new Document("product_id", "P1").append("country", "se"))).first())
                .containsEntry("amount", 11);
        assertThat(mongo().getDatabase("tractian").listCollectionNames().into(new java.util.ArrayList<>())).doesNotContain("focus_not_configured");

        focus().put("prices", Fixtures.JSON.createObjectNode().put("product_id", "P1").put("country", "dk").put("amount", 20));
        focus().delete("prices", Fixtures.JSON.createObjectNode().put("product_id", "P1").put("country", "se"));

        runOnce();

        assertThat(logLines("Focus promotions (full): lines=1 created=1 updated=0 deleted=0 local=1 remote=1 in ")).hasSize(1);
        assertThat(logLines("Focus prices (delta): lines=2 created=0 updated=1 deleted=1 local=2 remote=2 in ")).hasSize(1);
        assertThat(localRows("prices")).isEqualTo(remoteRows("prices"));
        assertThat(localRows("promotions")).isEqualTo(remoteRows("promotions"));
    }
}
