package io.syncroutes.infra;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import io.syncroutes.RunningApp;
import io.syncroutes.SyncRoutesTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;

import static io.syncroutes.Fixtures.drop;
import static io.syncroutes.Fixtures.workOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The embedded default (H2 backend) keeps what it acknowledged: the app imports a file, moves it to done, and is
 * killed with SIGKILL right after; every record of the file is still in the store when it is opened again.
 */
class EmbeddedMongoDurabilityTest {

    @TempDir
    Path tmp;

    @Test
    void recordsOfAFileMovedToDoneSurviveKillMinus9() throws Exception {
        int mongoPort = SyncRoutesTestSupport.freePort();
        Path inbound = Files.createDirectories(tmp.resolve("inbound"));
        Path done = tmp.resolve("done");
        Process app = RunningApp.startProcess(Map.of(
                "MONGO_EMBEDDED_DIR", tmp.resolve("mongo").toString(),
                "MONGO_EMBEDDED_PORT", String.valueOf(mongoPort),
                "HTTP_PORT", String.valueOf(SyncRoutesTestSupport.freePort()),
                "DATA_INBOUND_DIR", inbound.toString(),
                "DATA_DONE_DIR", done.toString(),
                "DATA_ERROR_DIR", tmp.resolve("error").toString(),
                "DATA_OUTBOUND_DIR", tmp.resolve("outbound").toString(),
                "WORKORDERS_EXPORT_INTERVAL_MS", "3600000"), tmp.resolve("app.log"));
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> RunningApp.listening(mongoPort));
            StringJoiner records = new StringJoiner(",", "[", "]");
            for (int i = 1; i <= 3_000; i++) {
                records.add(workOrder(i, "2025-01-01T00:00:00Z").toString());
            }
            drop(inbound, "orders.json", records.toString());

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                    .until(() -> Files.exists(done.resolve("orders.json")));
        } finally {
            app.destroyForcibly().waitFor();
        }

        MongoServer reopened = new MongoServer(new DurableH2Backend(tmp.resolve("mongo/sync-routes.mv").toString()));
        try (MongoClient client = MongoClients.create(reopened.bindAndGetConnectionString())) {
            assertThat(client.getDatabase("tractian").getCollection("workorders").countDocuments()).isEqualTo(3_000);
        } finally {
            reopened.shutdownNow();
        }
    }

    @Test
    void smallFilesMovedToDoneFromABatchSurviveKillMinus9() throws Exception {
        int mongoPort = SyncRoutesTestSupport.freePort();
        Path inbound = Files.createDirectories(tmp.resolve("inbound"));
        Path done = tmp.resolve("done");
        Process app = RunningApp.startProcess(Map.of(
                "MONGO_EMBEDDED_DIR", tmp.resolve("mongo").toString(),
                "MONGO_EMBEDDED_PORT", String.valueOf(mongoPort),
                "HTTP_PORT", String.valueOf(SyncRoutesTestSupport.freePort()),
                "DATA_INBOUND_DIR", inbound.toString(),
                "DATA_DONE_DIR", done.toString(),
                "DATA_ERROR_DIR", tmp.resolve("error").toString(),
                "DATA_OUTBOUND_DIR", tmp.resolve("outbound").toString(),
                "WORKORDERS_BATCH_SIZE", "100",
                "WORKORDERS_EXPORT_INTERVAL_MS", "3600000"), tmp.resolve("app.log"));
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> RunningApp.listening(mongoPort));
            for (int i = 1; i <= 2_000; i++) {
                drop(inbound, String.format("wo-%05d.json", i), workOrder(i, "2025-01-01T00:00:00Z").toString());
            }
            // killed while batches of 100 files are going in
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(5))
                    .until(() -> Files.isDirectory(done) && countFiles(done) >= 300);
        } finally {
            app.destroyForcibly().waitFor();
        }

        java.util.Set<Integer> inDone = new java.util.HashSet<>();
        try (var files = Files.list(done)) {
            files.forEach(f -> inDone.add(Integer.parseInt(f.getFileName().toString().replaceAll("\\D", ""))));
        }
        MongoServer reopened = new MongoServer(new DurableH2Backend(tmp.resolve("mongo/sync-routes.mv").toString()));
        try (MongoClient client = MongoClients.create(reopened.bindAndGetConnectionString())) {
            java.util.Set<Integer> stored = new java.util.HashSet<>();
            client.getDatabase("tractian").getCollection("workorders").find()
                    .forEach(doc -> stored.add(doc.getInteger("number")));
            assertThat(inDone).as("files in done").hasSizeGreaterThanOrEqualTo(300);
            assertThat(stored).as("every file in done has its record in the store").containsAll(inDone);
        } finally {
            reopened.shutdownNow();
        }
    }

    private static long countFiles(Path dir) throws java.io.IOException {
        try (var files = Files.list(dir)) {
            return files.count();
        }
    }
}
