package io.syncroutes.infra;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncroutes.RunningApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.MDC;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** LOG_FORMAT=json, configured by the app's own logback.xml: one JSON object per line, secrets masked. */
class JsonLogsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyEventIsOneJsonLineWithSecretsMaskedAndTheStackTraceInOneField() throws Exception {
        String secret = "s3cret-json-logs-" + System.nanoTime();
        LogMasking.add(secret);
        LoggerContext context = new LoggerContext();
        context.putProperty("LOG_FORMAT", "json");
        context.setMDCAdapter(MDC.getMDCAdapter());
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(getClass().getResource("/logback.xml"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ((OutputStreamAppender<?>) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("OUT")).setOutputStream(out);

        Logger flowLogger = context.getLogger("io.syncroutes.cases.CasesSync");
        flowLogger.info("token {} accepted", secret);
        MDC.put("camel.routeId", "products-sync");
        try {
            context.getLogger("org.apache.camel.Processor").warn("call failed",
                    new IllegalStateException("outer", new IOException("refused with key " + secret)));
        } finally {
            MDC.remove("camel.routeId");
        }
        context.stop();
        assertThat(context.getStatusManager().getCopyOfStatusList()).noneMatch(status -> status.getLevel() > 0);

        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            assertThat(line).doesNotContain(secret);
            lines.add(JSON.readTree(line));
        }
        assertThat(lines).hasSize(2);
        JsonNode info = lines.get(0);
        assertThat(info.get("level").asText()).isEqualTo("INFO");
        assertThat(info.get("logger").asText()).isEqualTo("io.syncroutes.cases.CasesSync");
        assertThat(info.get("message").asText()).isEqualTo("token **** accepted");
        assertThat(info.get("flow").asText()).isEqualTo("cases");
        assertThat(info.has("time")).isTrue();
        assertThat(info.has("thread")).isTrue();
        JsonNode warn = lines.get(1);
        assertThat(warn.get("route").asText()).isEqualTo("products-sync");
        assertThat(warn.get("flow").asText()).isEqualTo("products");
        assertThat(warn.get("exception").asText())
                .contains("IllegalStateException: outer", "Caused by: java.io.IOException: refused with key ****", "\tat ");
    }

    @Test
    void theRunningAppLogsOnlyJsonLines(@TempDir Path tmp) throws Exception {
        Map<String, String> env = RunningApp.embeddedEnv(tmp);
        env.put("LOG_FORMAT", "json");
        Files.createDirectories(tmp.resolve("inbound"));
        Files.writeString(tmp.resolve("inbound").resolve("1.json"), "{\"orderNo\": 1, \"isDone\": true, "
                + "\"summary\": \"JSON logs\", \"creationDate\": \"2026-10-25T04:02:55+00:00\", "
                + "\"lastUpdateDate\": \"2026-10-25T05:02:55+00:00\", \"deletedDate\": null}");
        Path log = tmp.resolve("app.log");
        Process app = RunningApp.startProcess(env, log);
        try {
            await().atMost(60, TimeUnit.SECONDS).until(() -> Files.exists(tmp.resolve("done").resolve("1.json")));
        } finally {
            app.destroy();
            assertThat(app.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).isNotEmpty();
        boolean flowLine = false;
        for (String line : lines) {
            JsonNode event = JSON.readTree(line);
            assertThat(event.has("message")).as(line).isTrue();
            flowLine |= event.path("flow").asText().equals("workorders");
        }
        assertThat(flowLine).as("a line of the work-order flow carries flow=workorders").isTrue();
    }

    @Test
    void anUnknownLogFormatStopsTheStartWithOneLine(@TempDir Path tmp) throws Exception {
        Map<String, String> env = RunningApp.embeddedEnv(tmp);
        env.put("LOG_FORMAT", "xml");
        Path log = tmp.resolve("app.log");
        Process app = RunningApp.startProcess(env, log);
        assertThat(app.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(app.exitValue()).isEqualTo(2);
        assertThat(Files.readString(log)).contains("LOG_FORMAT must be text or json, not 'xml'");
    }
}
