package io.syncroutes.unavailabilities;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import io.syncroutes.Http;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Secrets never show: with DEBUG on for the app and Camel's error handling, through runs with a rejected token, a
 * failing resource and retries, the log (formatted as the app formats it) and /observe/sync hold neither client
 * secret, nor their Basic credentials, nor any token Qargo issued, even when a careless library logs one.
 */
class UnavailabilitiesSecretMaskingTest extends UnavailabilitiesTestSupport {

    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private OutputStreamAppender<ILoggingEvent> appender;

    @BeforeEach
    void captureLog() {
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(logging);
        encoder.setPattern("%d %-5level [%thread] %logger - %msg%n%ex");
        encoder.start();
        appender = new OutputStreamAppender<>();
        appender.setContext(logging);
        appender.setEncoder(encoder);
        appender.setOutputStream(captured);
        appender.start();
        logging.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(appender);
        logging.getLogger("io.syncroutes").setLevel(Level.DEBUG);
        logging.getLogger("org.apache.camel.processor.errorhandler").setLevel(Level.DEBUG);
    }

    @AfterEach
    void stopCapture() {
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        logging.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(appender);
        logging.getLogger("io.syncroutes").setLevel(null);
        logging.getLogger("org.apache.camel.processor.errorhandler").setLevel(null);
    }

    @Test
    void noSecretOrTokenInTheLogOrSyncState() throws Exception {
        String master = master().addResource("Alice", "DRIVER", Map.of("employeenumber", "E-1"), null);
        String local = local().addResource("Alice", "DRIVER", Map.of("employeenumber", "E-1"), null);
        master().putUnavailability(master, unavailability(null, "2025-06-01T00:00:00Z", null, "DRIVER_OTHER", null, null));
        runNow();
        master().revokeTokens();
        local().revokeTokens();
        local().failResource(local, 503);
        runNow();

        List<String> tokens = new ArrayList<>();
        mongo().getDatabase("tractian").getCollection("qargo_tokens").find().forEach((Document d) -> tokens.add(d.getString("token")));
        assertThat(tokens).hasSize(2);
        // a careless library logging a token and a secret is masked too
        LoggerFactory.getLogger("some.library").warn("calling with {} and {}", tokens.get(0), LOCAL_SECRET);
        String sync = Http.get("http://127.0.0.1:" + httpPort() + "/observe/sync").body();

        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("unavailabilities run").contains("answered 503").contains("calling with **** and ****");
        List<String> secrets = new ArrayList<>(List.of(LOCAL_SECRET, MASTER_SECRET,
                Base64.getEncoder().encodeToString(("local-client:" + LOCAL_SECRET).getBytes(StandardCharsets.UTF_8)),
                Base64.getEncoder().encodeToString(("master-client:" + MASTER_SECRET).getBytes(StandardCharsets.UTF_8))));
        secrets.addAll(tokens);
        for (String secret : secrets) {
            assertThat(log).doesNotContain(secret);
            assertThat(sync).doesNotContain(secret);
        }
        assertThat(sync).contains("unavailabilities");
    }
}
