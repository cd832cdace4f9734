package io.syncroutes.unavailabilities;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A run stops cleanly when its request budget per environment is spent (no request beyond it), and the next run
 * resumes with the fleet resources the last one did not reach.
 */
class UnavailabilitiesBudgetTest extends UnavailabilitiesTestSupport {

    @Override
    protected Properties flowProperties() {
        Properties props = new Properties();
        props.put("qargo.request-budget", "6");
        return props;
    }

    @Test
    void aSpentBudgetStopsTheRunAndTheNextRunResumes() throws Exception {
        List<String> locals = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String master = master().addFleetResource("Driver " + i, "DRIVER", Map.of("employeenumber", "E-" + i), null);
            locals.add(local().addFleetResource("Driver " + i, "DRIVER", Map.of("employeenumber", "E-" + i), null));
            master().putUnavailability(master, unavailability(null, "2025-06-01T00:00:00Z", null, "DRIVER_OTHER", null, null));
        }

        // local: 1 fleet page + 2 per fleet resource (read, create): the budget of 6 covers two of them
        String first = runNow();
        assertThat(counter(first, "created")).isEqualTo(2);
        assertThat(counter(first, "deferred")).isEqualTo(2);
        assertThat(counter(first, "errors")).isZero();
        assertThat(first).contains("stopped: request budget of 6 for the local environment spent");
        assertThat(local().requests() - local().tokenRequests()).isLessThanOrEqualTo(6);
        assertThat(local().unavailabilities(locals.get(0))).hasSize(1);
        assertThat(local().unavailabilities(locals.get(3))).isEmpty();
        // the lag is computed in the background (SYNC_LAG_REFRESH_MS) and served from its last value
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(flowState().getLag()).isEqualTo(2));

        String second = runNow();
        assertThat(counter(second, "created")).isEqualTo(2);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(flowState().getLag()).isEqualTo(counter(second, "deferred")));
        assertThat(locals).allSatisfy(local -> assertThat(local().unavailabilities(local)).hasSize(1));
    }

    @Test
    void whereTheNextRunStartsIsKeptInMongoDbForAnyInstance() throws Exception {
        List<String> locals = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String master = master().addFleetResource("Driver " + i, "DRIVER", Map.of("employeenumber", "E-" + i), null);
            locals.add(local().addFleetResource("Driver " + i, "DRIVER", Map.of("employeenumber", "E-" + i), null));
            master().putUnavailability(master, unavailability(null, "2025-06-01T00:00:00Z", null, "DRIVER_OTHER", null, null));
        }
        runNow();
        MongoCollection<Document> syncState = context.getRegistry().lookupByNameAndType("mongoClient", MongoClient.class)
                .getDatabase("tractian").getCollection("sync_state");
        assertThat(syncState.find(new Document("_id", "unavailabilities")).first().getString("resumeFrom")).isEqualTo(locals.get(2));

        // as another instance would have saved it: the next run starts there, not where this one stopped
        syncState.updateOne(new Document("_id", "unavailabilities"), new Document("$set", new Document("resumeFrom", locals.get(3))));
        String second = runNow();
        assertThat(counter(second, "created")).isEqualTo(1);
        assertThat(local().unavailabilities(locals.get(3))).hasSize(1);
        assertThat(local().unavailabilities(locals.get(2))).as("its create is deferred again").isEmpty();
    }
}
