package io.syncroutes.shared;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Sync-state saves are compare-and-set over the MongoDB wire protocol: the second of two writers that read one version loses. */
class VersionedStateTest {

    private MongoServer server;
    private MongoClient client;
    private MongoCollection<Document> collection;
    private VersionedState state;

    @BeforeEach
    void start() {
        server = new MongoServer(new MemoryBackend());
        client = MongoClients.create("mongodb://" + server.bind().getHostString() + ":" + server.getLocalAddress().getPort());
        collection = client.getDatabase("test").getCollection("sync_state");
        state = new VersionedState(collection);
    }

    @AfterEach
    void stop() {
        client.close();
        server.shutdownNow();
    }

    @Test
    void twoRunsFromOneVersionSaveOnceAndTheLaterRunFromTheNewVersionSavesAgain() {
        assertThat(state.read("cases")).isNull();
        // two instances both start a run from "no state yet"
        assertThat(state.save(new Document("_id", "cases").append("watermark", 10), 0)).isTrue();
        assertThat(state.save(new Document("_id", "cases").append("watermark", 5), 0)).isFalse();
        Document first = state.read("cases");
        assertThat(first.getInteger("watermark")).isEqualTo(10);
        assertThat(VersionedState.version(first)).isEqualTo(1);

        // both read version 1; the first save wins, the second changes nothing
        assertThat(state.save(new Document("_id", "cases").append("watermark", 20), 1)).isTrue();
        assertThat(state.save(new Document("_id", "cases").append("watermark", 15), 1)).isFalse();
        assertThat(state.read("cases").getInteger("watermark")).isEqualTo(20);
        assertThat(VersionedState.version(state.read("cases"))).isEqualTo(2);
    }

    @Test
    void aStateWrittenBeforeVersionsIsReplacedOnce() {
        collection.insertOne(new Document("_id", "focus_promotions").append("deltaTimestamp", "2024-01-01T00:00:00Z"));
        Document legacy = state.read("focus_promotions");
        assertThat(VersionedState.version(legacy)).isZero();

        assertThat(state.save(new Document("_id", "focus_promotions").append("deltaTimestamp", "2024-02-01T00:00:00Z"), 0)).isTrue();
        assertThat(state.save(new Document("_id", "focus_promotions").append("deltaTimestamp", "2023-12-01T00:00:00Z"), 0)).isFalse();
        Document saved = state.read("focus_promotions");
        assertThat(saved.getString("deltaTimestamp")).isEqualTo("2024-02-01T00:00:00Z");
        assertThat(VersionedState.version(saved)).isEqualTo(1);
    }
}
