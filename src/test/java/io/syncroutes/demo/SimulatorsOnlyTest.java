package io.syncroutes.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncroutes.Http;
import io.syncroutes.RunningApp;
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
 * {@code --simulators} runs only the simulators and prints how to reach them; a second process started with exactly
 * the printed settings syncs from every one of them.
 */
class SimulatorsOnlyTest {

    @Test
    void thePrintedSettingsPointAnotherInstanceAtTheSimulators(@TempDir Path tmp) throws Exception {
        Path simulatorsLog = tmp.resolve("simulators.log");
        Process simulators = RunningApp.startProcess(Map.of(), simulatorsLog, "--simulators");
        Process app = null;
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(simulatorsLog).contains("Qargo"));
            await().atMost(Duration.ofSeconds(5)).until(() -> settings(simulatorsLog).containsKey("QARGO_MASTER_CLIENT_SECRET"));
            Map<String, String> printed = settings(simulatorsLog);
            assertThat(printed).containsKeys("IVANTI_API_URL", "IVANTI_CLIENT_SECRET", "INTEMPUS_API_URI", "INTEMPUS_API_KEY",
                    "FOCUS_API_URL", "FOCUS_PASSWORD", "QARGO_API_URL", "QARGO_AUTH_URL", "QARGO_CLIENT_ID");
            assertThat(Files.readString(simulatorsLog)).doesNotContain("Started", "camel");

            Map<String, String> env = RunningApp.embeddedEnv(tmp);
            env.putAll(printed);
            env.put("RABBITMQ_EMBEDDED_PORT", String.valueOf(io.syncroutes.SyncRoutesTestSupport.freePort()));
            env.put("RABBITMQ_EMBEDDED_STORE", "memory");
            env.put("QARGO_SYNC_DELAY_MS", "0");
            app = RunningApp.startProcess(env, tmp.resolve("app.log"));
            String sync = "http://127.0.0.1:" + env.get("HTTP_PORT") + "/observe/sync";
            JsonNode flows = await().atMost(Duration.ofSeconds(90)).ignoreExceptions()
                    .until(() -> JSON.readTree(Http.get(sync).body()).get("flows"), f ->
                            f.at("/cases/totals/inserted").asLong() > 0
                                    && f.at("/resources-promotions/totals/created").asLong() > 0
                                    && f.at("/unavailabilities/totals/created").asLong() > 0);
            assertThat(flows.has("products")).as("the products flow is on").isTrue();
        } finally {
            if (app != null) {
                app.destroy();
                app.waitFor(30, TimeUnit.SECONDS);
            }
            simulators.destroy();
            assertThat(simulators.waitFor(30, TimeUnit.SECONDS)).as("SIGTERM stops the simulators").isTrue();
        }
    }

    /** The VARIABLE=value settings printed under each simulator. */
    private static Map<String, String> settings(Path log) throws Exception {
        Map<String, String> settings = new HashMap<>();
        List<String> lines = Files.readAllLines(log);
        for (String line : lines) {
            if (line.startsWith("  ")) {
                for (String pair : line.trim().split(" ")) {
                    int eq = pair.indexOf('=');
                    settings.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
            }
        }
        return settings;
    }
}
