package io.syncroutes.infra;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.syncroutes.Http;
import io.syncroutes.SyncRoutesTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Readiness follows MongoDB: ready, MongoDB goes away, not ready (liveness stays up), MongoDB is back, ready again. */
class MongoReadinessTest extends SyncRoutesTestSupport {

    private int mongoPort;
    private MongoServer server;

    @Override
    protected Properties properties() {
        mongoPort = freePort();
        server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", mongoPort);
        Properties props = new Properties();
        props.put("mongo.uri", "mongodb://127.0.0.1:" + mongoPort);
        props.put("mongo.server-selection-timeout-ms", "500");
        props.put("workorders.export.interval-ms", "3600000");
        return props;
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.shutdownNow();
        }
    }

    @Test
    void readyOnlyWhileMongoDbAnswers() {
        String ready = "http://127.0.0.1:" + httpPort() + "/observe/health/ready";
        String live = "http://127.0.0.1:" + httpPort() + "/observe/health/live";
        await().atMost(Duration.ofSeconds(10)).until(() -> Http.get(ready).statusCode() == 200);

        server.shutdownNow();
        await().atMost(Duration.ofSeconds(15)).until(() -> Http.get(ready).statusCode() == 503);
        assertThat(Http.get(live).statusCode()).as("a MongoDB outage is waited out, not a reason to restart").isEqualTo(200);

        server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", mongoPort);
        await().atMost(Duration.ofSeconds(20)).until(() -> Http.get(ready).statusCode() == 200);
    }
}
