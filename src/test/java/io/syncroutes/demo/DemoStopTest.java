package io.syncroutes.demo;

import io.syncroutes.Http;
import io.syncroutes.RunningApp;
import io.syncroutes.SyncRoutesTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.syncroutes.Fixtures.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A running demo stopped with SIGTERM: the routes stop first (in-flight work finished or handed back), then the
 * embedded broker and the embedded MongoDB; the app exits within 15 s, and its log has no ERROR line and no stack trace.
 */
class DemoStopTest {

    @TempDir
    Path tmp;

    @Test
    void sigtermStopsADemoCleanlyWithinFifteenSeconds() throws Exception {
        int httpPort = SyncRoutesTestSupport.freePort();
        Map<String, String> env = new HashMap<>();
        env.put("SYNC_DEMO", "true");
        env.put("HTTP_PORT", String.valueOf(httpPort));
        env.put("MONGO_EMBEDDED_PORT", String.valueOf(SyncRoutesTestSupport.freePort()));
        env.put("MONGO_EMBEDDED_DIR", tmp.resolve("mongo").toString());
        env.put("RABBITMQ_EMBEDDED_PORT", String.valueOf(SyncRoutesTestSupport.freePort()));
        env.put("RABBITMQ_EMBEDDED_DIR", tmp.resolve("amqp").toString());
        env.put("DEMO_IVANTI_PORT", String.valueOf(SyncRoutesTestSupport.freePort()));
        env.put("DATA_INBOUND_DIR", tmp.resolve("inbound").toString());
        env.put("DATA_DONE_DIR", tmp.resolve("done").toString());
        env.put("DATA_ERROR_DIR", tmp.resolve("error").toString());
        env.put("DATA_OUTBOUND_DIR", tmp.resolve("outbound").toString());
        env.put("WORKORDERS_EXPORT_INTERVAL_MS", "500");
        // lags refreshed often: a lag query still running while the embedded broker or MongoDB stops would log errors
        env.put("SYNC_LAG_REFRESH_MS", "50");
        Path log = tmp.resolve("app.log");
        Process app = RunningApp.startProcess(env, log);
        try {
            // every flow busy: products synced, work-order files imported and exported
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
                var flows = JSON.readTree(Http.get("http://127.0.0.1:" + httpPort + "/observe/sync").body()).get("flows");
                return flows.at("/products/totals/successful_syncs").asLong() > 5
                        && flows.at("/workorders-inbound/totals/upserted").asLong() > 0
                        && flows.at("/workorders-export/totals/marked").asLong() > 0;
            });

            long t0 = System.nanoTime();
            app.destroy(); // SIGTERM
            assertThat(app.waitFor(15, TimeUnit.SECONDS)).as("exited within 15 s of SIGTERM").isTrue();
            System.out.printf("stopped in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        } finally {
            app.destroyForcibly().waitFor();
        }

        List<String> lines = Files.readAllLines(log);
        lines.stream().filter(l -> l.contains(" ERROR ") || l.contains(" WARN ") || l.startsWith("Caused by:"))
                .limit(40).forEach(l -> System.out.println("LOG> " + l));
        assertThat(lines).as("the app stopped").anyMatch(l -> l.contains("shutdown in") || l.contains("shutdown complete"));
        assertThat(lines).as("no ERROR line").noneMatch(l -> l.contains(" ERROR "));
        assertThat(lines).as("no stack trace").noneMatch(l -> l.matches("^\\s+at \\S+\\(.*\\)$") || l.startsWith("Caused by:"));
        int routesStopped = index(lines, "Routes stopped");
        int brokerStopped = index(lines, "embedded AMQP broker stopped");
        int mongoStopped = index(lines, "Embedded MongoDB store compacted on stop");
        assertThat(routesStopped).as("routes stopped").isNotNegative();
        assertThat(brokerStopped).as("broker stopped after the routes").isGreaterThan(routesStopped);
        assertThat(mongoStopped).as("MongoDB stopped after the broker").isGreaterThan(brokerStopped);
    }

    private static int index(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }
}
