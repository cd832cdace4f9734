package io.syncroutes.infra;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import io.syncroutes.Fixtures;
import io.syncroutes.RunningApp;
import io.syncroutes.SyncRoutesTestSupport;
import org.apache.camel.main.Main;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The embedded H2 store stays proportional to its data: 10,000 one-object files imported, then 20 rounds of
 * re-importing the same 1,000 work orders (newer versions) leave the store under 10x the BSON size of the
 * documents once stopped (compacted on stop), and within 10x that while it runs, writing or compacting (chunks reused at once); a
 * restart keeps every document, in its newest version.
 */
class EmbeddedMongoStoreSizeTest {

    @TempDir
    Path tmp;

    @Test
    void storeStaysProportionalToItsDataAndARestartKeepsEveryDocument() throws Exception {
        Path store = tmp.resolve("mongo/sync-routes.mv");
        Path inbound = Files.createDirectories(tmp.resolve("inbound"));
        Path done = tmp.resolve("done");
        long bsonBytes;
        long sizeWhileRunning;
        long peakWhileWriting;
        long peakWhileRunning;
        Main app = start();
        EmbeddedMongo embedded = app.getCamelContext().getRegistry().lookupByNameAndType("embeddedMongo", EmbeddedMongo.class);
        try (MongoClient client = MongoClients.create(embedded.uri())) {
            // dropped at once: batches of 1,000 files in name order, so every round is a batch of its own
            for (int i = 1; i <= 10_000; i++) {
                Fixtures.drop(inbound, String.format("a-wo-%05d.json", i), Fixtures.workOrder(i, "2025-01-01T00:00:00Z").toString());
            }
            for (int round = 1; round <= 20; round++) {
                for (int i = 1; i <= 1_000; i++) {
                    Fixtures.drop(inbound, String.format("b-round-%02d-wo-%04d.json", round, i),
                            Fixtures.workOrder(i, String.format("2025-02-%02dT00:00:00Z", round)).toString());
                }
            }
            // the file's largest size while the writes go on (compacted online while they do)
            long[] peak = {0};
            awaitWatchingPeak(store, peak, Duration.ofSeconds(240), () -> count(done) >= 30_000);
            peakWhileWriting = peak[0];
            MongoCollection<RawBsonDocument> workorders = client.getDatabase("tractian").getCollection("workorders", RawBsonDocument.class);
            bsonBytes = 0;
            for (RawBsonDocument doc : workorders.find()) {
                bsonBytes += doc.getByteBuffer().remaining();
            }
            // writes paused: the compactor (every 5 s, once writes paused for 3 s) gives some free space back; the size
            // is read once it has passed after the last write (the file's size alone does not tell: it stays the same
            // while the live pages are rewritten into free chunks), and the largest size is still watched (a
            // compaction first appends the pages it moves, so the file may grow before it shrinks)
            awaitWatchingPeak(store, peak, Duration.ofSeconds(120), embedded::storeSettled);
            sizeWhileRunning = Files.size(store);
            peakWhileRunning = Math.max(peak[0], sizeWhileRunning);
        } finally {
            app.stop();
        }
        long sizeAfterStop = Files.size(store);
        // mongo-java-server keeps documents Java-serialized (about 8x their BSON size once compacted)
        System.out.printf("store: BSON %,d bytes, H2 file at most %,d while writing, at most %,d while running, %,d once idle, %,d after stop%n",
                bsonBytes, peakWhileWriting, peakWhileRunning, sizeWhileRunning, sizeAfterStop);
        // while it runs the file also holds chunks not yet reused: bounded because replaced chunks are reused at once
        // (retention 0; without it the file grew by tens of KB per write, 607 MB for 10,000 files), ~6x the offline
        // rewrite's size here whether compacted online or not; the compaction once writes pause gives some back
        // (the live pages stay spread over chunks), the one on stop gives back the rest
        assertThat(peakWhileWriting).as("store while writing, vs %,d bytes after stop", sizeAfterStop)
                .isLessThan(10 * sizeAfterStop);
        assertThat(peakWhileRunning).as("store while running, idle compaction included, vs %,d bytes after stop", sizeAfterStop)
                .isLessThan(10 * sizeAfterStop);
        assertThat(sizeAfterStop).as("store after stop, for %,d bytes of BSON", bsonBytes).isLessThan(10 * bsonBytes);

        EmbeddedMongo reopened = new EmbeddedMongo(EmbeddedMongo.Backend.H2, tmp.resolve("mongo"), "127.0.0.1", 0);
        reopened.start();
        try (MongoClient client = MongoClients.create(reopened.uri())) {
            MongoCollection<Document> workorders = client.getDatabase("tractian").getCollection("workorders");
            assertThat(workorders.countDocuments()).isEqualTo(10_000);
            assertThat(workorders.find(Filters.eq("number", 1_000)).first().getDate("updatedAt"))
                    .isEqualTo(Date.from(Instant.parse("2025-02-20T00:00:00Z")));
            assertThat(workorders.find(Filters.eq("number", 1_001)).first().getDate("updatedAt"))
                    .isEqualTo(Date.from(Instant.parse("2025-01-01T00:00:00Z")));
        } finally {
            reopened.stop();
        }
        assertThat(Files.size(store)).isLessThan(10 * bsonBytes);
    }

    /** Waits until {@code done}, reading the store's size every 200 ms into {@code peak[0]} (its largest). */
    private static void awaitWatchingPeak(Path store, long[] peak, Duration atMost, java.util.concurrent.Callable<Boolean> done) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(200)).until(() -> {
            peak[0] = Math.max(peak[0], Files.size(store));
            return done.call();
        });
    }

    private Main start() throws Exception {
        Map<String, String> properties = new java.util.HashMap<>();
        properties.put("mongo.uri", "");
        properties.put("mongo.embedded.backend", "h2");
        properties.put("mongo.embedded.dir", tmp.resolve("mongo").toString());
        properties.put("mongo.embedded.port", "0");
        properties.put("http.port", String.valueOf(SyncRoutesTestSupport.freePort()));
        properties.put("workorders.inbound.dir", tmp.resolve("inbound").toString());
        properties.put("workorders.done.dir", tmp.resolve("done").toString());
        properties.put("workorders.error.dir", tmp.resolve("error").toString());
        properties.put("workorders.outbound.dir", tmp.resolve("outbound").toString());
        properties.put("workorders.inbound.poll-ms", "100");
        properties.put("workorders.export.interval-ms", "3600000");
        return RunningApp.start(properties);
    }

    private static long count(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (var files = Files.list(dir)) {
            return files.count();
        }
    }
}
