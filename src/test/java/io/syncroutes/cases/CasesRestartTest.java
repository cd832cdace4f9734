package io.syncroutes.cases;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.syncroutes.RunningApp;
import io.syncroutes.SyncRoutesTestSupport;
import io.syncroutes.shared.SyncState;
import io.syncroutes.simulators.IntempusSimulator;
import org.apache.camel.main.Main;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The sync state lives in MongoDB: an app started again resumes with a delta from the stored watermark, not a full walk. */
class CasesRestartTest {

    @Test
    void restartResumesFromTheStoredState(@TempDir Path tmp) throws Exception {
        MongoServer mongo = new MongoServer(new MemoryBackend());
        mongo.bind("127.0.0.1", 0);
        InetSocketAddress address = mongo.getLocalAddress();
        try (IntempusSimulator intempus = new IntempusSimulator("u", "restart-key-123", Duration.ZERO);
             MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + address.getPort())) {
            intempus.start("127.0.0.1", 0);
            List<Long> ids = intempus.generate(12);
            Map<String, String> props = new HashMap<>();
            props.put("mongo.uri", "mongodb://127.0.0.1:" + address.getPort());
            props.put("http.port", String.valueOf(SyncRoutesTestSupport.freePort()));
            for (String dir : new String[] {"inbound", "done", "error", "outbound"}) {
                props.put("workorders." + dir + ".dir", tmp.resolve(dir).toString());
            }
            props.put("intempus.api-uri", intempus.url());
            props.put("intempus.api-user", "u");
            props.put("intempus.api-key", "restart-key-123");
            props.put("intempus.page-size", "5");
            props.put("intempus.first-sync-delay-ms", "3600000");

            Main first = RunningApp.start(props);
            try {
                first.getCamelContext().createProducerTemplate().sendBody("direct:cases-sync-run", null);
                assertThat(lastRun(first)).startsWith("cases full sync: pages=3 inserted=12");
            } finally {
                first.stop();
            }
            Document state = client.getDatabase("tractian").getCollection("sync_state").find().first();
            assertThat(state.getLong("watermark")).isEqualTo(intempus.logicalTimestamp());

            intempus.touch(ids.get(7));
            long pagesBefore = intempus.pageRequests();
            Main second = RunningApp.start(props);
            try {
                second.getCamelContext().createProducerTemplate().sendBody("direct:cases-sync-run", null);
                assertThat(lastRun(second)).startsWith("cases delta sync: pages=1 inserted=0 updated=1 deleted=0 unchanged=0");
                assertThat(intempus.pageRequests() - pagesBefore).isEqualTo(1);
                assertThat(intempus.requestLog().get(intempus.requestLog().size() - 1))
                        .contains("logical_timestamp__gt=" + state.getLong("watermark"));
            } finally {
                second.stop();
            }
            assertThat(client.getDatabase("tractian").getCollection("cases").find(new Document("_id", ids.get(7))).first().getString("name"))
                    .contains("changed");
        } finally {
            mongo.shutdownNow();
        }
    }

    private static String lastRun(Main main) {
        return main.getCamelContext().getRegistry().lookupByNameAndType("syncState", SyncState.class).flow("cases").getLastRun();
    }
}
