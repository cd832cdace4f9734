package io.syncroutes.infra;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.syncroutes.SyncRoutesTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.syncroutes.Fixtures.drop;
import static io.syncroutes.Fixtures.workOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * MongoDB frozen for 30 s (a proxy that stops forwarding: connections neither answer nor reset) while work-order
 * files stream in: health, readiness, liveness, metrics and sync state answer within 1 s throughout, readiness goes
 * DOWN (with the reason) within 5 s and back UP, liveness stays UP, and every record lands once.
 */
class ObservabilityOutageTest extends SyncRoutesTestSupport {

    private static final int FILES = 60;
    private static final int RECORDS_PER_FILE = 20;
    private static final List<String> ENDPOINTS = List.of("/observe/health", "/observe/health/ready", "/observe/health/live",
            "/observe/metrics", "/observe/sync");

    private MongoServer server;
    private int mongoPort;
    private FreezableTcpProxy proxy;

    @Override
    protected Properties properties() {
        try {
            mongoPort = freePort();
            server = new MongoServer(new MemoryBackend());
            server.bind("127.0.0.1", mongoPort);
            proxy = new FreezableTcpProxy(mongoPort);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        Properties props = new Properties();
        props.put("mongo.uri", "mongodb://127.0.0.1:" + proxy.port());
        props.put("mongo.socket-timeout-ms", "3000");
        props.put("mongo.connect-timeout-ms", "2000");
        props.put("mongo.server-selection-timeout-ms", "2000");
        props.put("workorders.batch-size", "10");
        props.put("workorders.export.interval-ms", "1000");
        return props;
    }

    @AfterEach
    void stopServers() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (server != null) {
            server.shutdownNow();
        }
    }

    @Test
    void endpointsAnswerWithinASecondWhileMongoDbIsFrozenAndEveryRecordLandsOnce() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        await().atMost(Duration.ofSeconds(20)).until(() -> status(http, "/observe/health/ready") == 200);

        List<String> slow = new CopyOnWriteArrayList<>();
        List<String> notLive = new CopyOnWriteArrayList<>();
        // 0 before the freeze, 1 frozen, 2 thawed
        java.util.concurrent.atomic.AtomicInteger phase = new java.util.concurrent.atomic.AtomicInteger();
        AtomicLong downAt = new AtomicLong();
        AtomicLong upAgainAt = new AtomicLong();
        List<String> downReasons = new CopyOnWriteArrayList<>();
        AtomicBoolean watching = new AtomicBoolean(true);
        Thread watcher = new Thread(() -> {
            while (watching.get()) {
                for (String endpoint : ENDPOINTS) {
                    long start = System.nanoTime();
                    try {
                        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url(endpoint)))
                                .timeout(Duration.ofSeconds(1)).GET().build(), HttpResponse.BodyHandlers.ofString());
                        long ms = (System.nanoTime() - start) / 1_000_000;
                        if (ms > 1000) {
                            slow.add(endpoint + " took " + ms + " ms");
                        }
                        if (endpoint.equals("/observe/health/live") && response.statusCode() != 200) {
                            notLive.add(response.body());
                        }
                        if (endpoint.equals("/observe/health/ready") && phase.get() > 0) {
                            if (response.statusCode() == 503 && downAt.get() == 0) {
                                downAt.set(System.nanoTime());
                                downReasons.add(http.send(HttpRequest.newBuilder(URI.create(url("/observe/health?exposureLevel=full")))
                                        .timeout(Duration.ofSeconds(1)).GET().build(), HttpResponse.BodyHandlers.ofString()).body());
                            } else if (response.statusCode() == 200 && downAt.get() > 0 && upAgainAt.get() == 0 && phase.get() == 2) {
                                upAgainAt.set(System.nanoTime());
                            }
                        }
                    } catch (Exception e) {
                        slow.add(endpoint + " did not answer within 1 s: " + e);
                    }
                }
                sleep(200);
            }
        }, "endpoint-watcher");
        watcher.start();

        // files stream in before, during and after the freeze: one every 500 ms
        Thread files = new Thread(() -> {
            for (int f = 0; f < FILES; f++) {
                StringBuilder json = new StringBuilder("[");
                for (int r = 0; r < RECORDS_PER_FILE; r++) {
                    json.append(r == 0 ? "" : ",").append(workOrder(f * RECORDS_PER_FILE + r + 1, "2025-01-01T00:00:00Z"));
                }
                drop(dir("inbound"), "orders-" + f + ".json", json.append("]").toString());
                sleep(500);
            }
        }, "file-feeder");
        files.start();

        sleep(4_000);
        proxy.freeze();
        long freezeStart = System.nanoTime();
        phase.set(1);
        sleep(30_000);
        proxy.thaw();
        phase.set(2);

        files.join();
        assertThat(downAt.get()).as("readiness went DOWN").isNotZero();
        assertThat(Duration.ofNanos(downAt.get() - freezeStart)).as("within 5 s of the freeze").isLessThanOrEqualTo(Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(60)).until(() -> upAgainAt.get() != 0);
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(dir("done").toFile().list()).hasSize(FILES));
        watching.set(false);
        watcher.join();

        assertThat(slow).as("every endpoint answered within 1 s, throughout").isEmpty();
        assertThat(notLive).as("liveness stays UP").isEmpty();
        assertThat(downReasons.get(0)).as("the reason").containsPattern("MongoDB at .* (does not answer|has not answered)");
        assertThat(dir("error").toFile().list()).isEmpty();
        try (MongoClient direct = MongoClients.create("mongodb://127.0.0.1:" + mongoPort)) {
            var collection = direct.getDatabase("tractian").getCollection("workorders");
            assertThat(collection.countDocuments()).as("every record once").isEqualTo((long) FILES * RECORDS_PER_FILE);
            List<org.bson.BsonValue> numbers = collection.distinct("number", org.bson.BsonValue.class).into(new ArrayList<>());
            assertThat(numbers).as("no number twice").hasSize(FILES * RECORDS_PER_FILE);
        }
    }

    private int status(HttpClient http, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(1)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private String url(String path) {
        return "http://127.0.0.1:" + httpPort() + path;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
