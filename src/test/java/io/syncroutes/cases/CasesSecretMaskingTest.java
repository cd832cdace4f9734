package io.syncroutes.cases;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.OutputStreamAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The Intempus API key never shows: not in the log (DEBUG on), not in /observe/sync, not in an error passed through to a client. */
class CasesSecretMaskingTest extends CasesTestSupport {

    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender;

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
        logging.getLogger("io.syncroutes").setLevel(ch.qos.logback.classic.Level.DEBUG);
        logging.getLogger("org.apache.camel.processor.errorhandler").setLevel(ch.qos.logback.classic.Level.DEBUG);
    }

    @AfterEach
    void stopCapture() {
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        logging.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(appender);
        logging.getLogger("io.syncroutes").setLevel(null);
        logging.getLogger("org.apache.camel.processor.errorhandler").setLevel(null);
    }

    @Test
    void apiKeyNeverShows() {
        intempus().generate(3);
        // a careless Intempus that echoes the credentials it got, in a retried page and in an API error
        String echo = "{\"error\": \"rejected ApiKey " + USER + ":" + API_KEY + "\"}";
        intempus().fail("offset=0", 503, "0", 1, echo);
        sync();
        intempus().fail("/case/", 400, null, 1, echo);
        HttpResponse<String> rejected = call("POST", url("/case"), "{\"customer\": \"/web/v1/customer/1/\", \"number\": \"1\", \"name\": \"n\"}");
        intempus().fail("/case/", 200, null, 1, echo);
        HttpResponse<String> odd = call("POST", url("/case"), "{\"customer\": \"/web/v1/customer/1/\", \"number\": \"1\", \"name\": \"n\"}");
        String sync = call("GET", url("/observe/sync"), null).body();
        Logger careless = (Logger) LoggerFactory.getLogger("some.library");
        careless.warn("calling with Authorization: ApiKey {}:{}", USER, API_KEY);

        assertThat(rejected.statusCode()).isEqualTo(400);
        assertThat(rejected.body()).contains("****");
        assertThat(odd.statusCode()).isEqualTo(500);
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).as("the capture works").contains("cases full sync").contains("calling with");
        for (String text : new String[] {log, sync, rejected.body(), odd.body()}) {
            assertThat(text).doesNotContain(API_KEY);
        }
        assertThat(cases().countDocuments()).isEqualTo(3);
    }
}
