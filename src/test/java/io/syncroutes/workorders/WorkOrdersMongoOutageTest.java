package io.syncroutes.workorders;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.syncroutes.SyncRoutesTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static io.syncroutes.Fixtures.drop;
import static io.syncroutes.Fixtures.workOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** MongoDB unavailable when a file arrives, available later: the file waits in the inbound folder and then goes in. */
class WorkOrdersMongoOutageTest extends SyncRoutesTestSupport {

    private int mongoPort;
    private MongoServer server;

    @Override
    protected Properties properties() {
        mongoPort = freePort();
        Properties props = new Properties();
        props.put("mongo.uri", "mongodb://127.0.0.1:" + mongoPort);
        props.put("mongo.server-selection-timeout-ms", "300");
        props.put("workorders.export.interval-ms", "3600000");
        // one redelivery: a batch gives up while MongoDB is down, and its files are polled again
        props.put("workorders.mongo.retries", "1");
        return props;
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.shutdownNow();
        }
    }

    @Test
    void aBatchThatGivesUpClosesItsFilesAndGivesTheReadAheadBudgetBack() throws Exception {
        // a small file, read ahead: each batch holding it gives up (MongoDB down, redeliveries spent) and closes it,
        // so the bytes held for it never add up over the attempts
        Path file = drop(dir("inbound"), "orders.json", "[" + workOrder(1, "2025-01-01T00:00:00Z") + "]");
        long size = Files.size(file);
        WorkOrderImport importer = context.getRegistry().lookupByNameAndType("workOrderImport", WorkOrderImport.class);
        long most = 0;
        for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(12); System.nanoTime() < end; Thread.sleep(20)) {
            most = Math.max(most, importer.readAheadBytes());
        }
        assertThat(most).as("bytes held for the file read ahead, over several attempts").isEqualTo(size);
        assertThat(file).as("not moved while MongoDB is down").exists();
        assertThat(dir("error")).isEmptyDirectory();
    }

    @Test
    void fileIsProcessedOnceMongoDbIsBack() throws Exception {
        drop(dir("inbound"), "orders.json", "[" + workOrder(1, "2025-01-01T00:00:00Z") + "," + workOrder(2, "2025-01-01T00:00:00Z") + "]");

        Thread.sleep(3_000);
        assertThat(dir("inbound").resolve("orders.json")).as("not moved while MongoDB is down").exists();
        assertThat(dir("done")).isEmptyDirectory();
        assertThat(dir("error")).isEmptyDirectory();

        server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", mongoPort);

        await().atMost(Duration.ofSeconds(40)).until(() -> dir("done").resolve("orders.json").toFile().exists());
        try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + mongoPort)) {
            assertThat(client.getDatabase("tractian").getCollection("workorders").countDocuments()).isEqualTo(2);
        }
        assertThat(dir("error")).isEmptyDirectory();
    }
}
