package io.syncroutes.unavailabilities;

import com.mongodb.client.MongoClient;
import io.syncroutes.RunningApp;
import io.syncroutes.SyncRoutesTestSupport;
import io.syncroutes.simulators.QargoSimulator;
import org.apache.camel.main.Main;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Qargo allows 5 token requests an hour: across several runs and a restart of the app (same durable embedded
 * MongoDB), each environment's token is fetched exactly once; it is kept in {@code qargo_tokens}.
 */
class UnavailabilitiesTokensTest {

    @TempDir
    Path tmp;

    private final QargoSimulator qargo = new QargoSimulator("master-client", UnavailabilitiesTestSupport.MASTER_SECRET,
            "local-client", UnavailabilitiesTestSupport.LOCAL_SECRET);
    private Main app;

    @AfterEach
    void tearDown() {
        if (app != null) {
            app.stop();
        }
        qargo.close();
    }

    @Test
    void oneTokenPerEnvironmentAcrossRunsAndARestart() throws Exception {
        qargo.start("127.0.0.1", 0);
        String master = qargo.master().addFleetResource("Alice", "DRIVER", Map.of("employeenumber", "E-1"), null);
        qargo.local().addFleetResource("Alice", "DRIVER", Map.of("employeenumber", "E-1"), null);
        qargo.master().putUnavailability(master, UnavailabilitiesTestSupport.unavailability(null, "2025-06-01T00:00:00Z", null,
                "DRIVER_OTHER", null, null));
        Map<String, String> props = properties(SyncRoutesTestSupport.freePort());

        app = RunningApp.start(props);
        assertThat(UnavailabilitiesTestSupport.runNow()).contains("created=1");
        assertThat(UnavailabilitiesTestSupport.runNow()).contains("unchanged=1");
        List<Document> stored = tokens();
        assertThat(stored).extracting(d -> d.getString("_id")).containsExactlyInAnyOrder("master:master-client", "local:local-client");
        app.stop();

        app = RunningApp.start(props);
        assertThat(UnavailabilitiesTestSupport.runNow()).contains("unchanged=1");
        assertThat(UnavailabilitiesTestSupport.runNow()).contains("unchanged=1");

        assertThat(qargo.master().tokenRequests()).isEqualTo(1);
        assertThat(qargo.local().tokenRequests()).isEqualTo(1);
        assertThat(tokens()).extracting(d -> d.getString("token")).containsExactlyInAnyOrderElementsOf(
                stored.stream().map(d -> d.getString("token")).toList());
    }

    private List<Document> tokens() {
        return app.getCamelContext().getRegistry().lookupByNameAndType("mongoClient", MongoClient.class)
                .getDatabase("tractian").getCollection("qargo_tokens").find().into(new ArrayList<>());
    }

    private Map<String, String> properties(int mongoPort) {
        Map<String, String> props = new HashMap<>(UnavailabilitiesTestSupport.qargoProperties(qargo));
        props.put("http.port", "0");
        props.put("mongo.uri", "");
        props.put("mongo.embedded.backend", "h2");
        props.put("mongo.embedded.dir", tmp.resolve("mongo").toString());
        props.put("mongo.embedded.port", String.valueOf(mongoPort));
        props.put("workorders.inbound.dir", tmp.resolve("inbound").toString());
        props.put("workorders.done.dir", tmp.resolve("done").toString());
        props.put("workorders.error.dir", tmp.resolve("error").toString());
        props.put("workorders.outbound.dir", tmp.resolve("outbound").toString());
        props.put("workorders.export.interval-ms", "3600000");
        props.put("camel.main.shutdown-timeout", "2");
        return props;
    }
}
