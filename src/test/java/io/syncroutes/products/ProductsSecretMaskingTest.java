package io.syncroutes.products;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.OutputStreamAppender;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.syncroutes.Http;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.syncroutes.Fixtures.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Secrets never show: the log (formatted as the app formats it, DEBUG on for the flow's own classes), the
 * dead-letter headers and /observe/sync are searched for the client secret, the API key, the management password
 * and the tokens Ivanti issued; zero hits.
 */
class ProductsSecretMaskingTest extends ProductsTestSupport {

    private static final String MANAGEMENT_PASSWORD = "m4nagement-s3cret";
    private static final List<String> TOKENS = List.of("tok-first-0123456789", "tok-second-9876543210");
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender;

    @Override
    protected Properties productProperties() {
        Properties props = new Properties();
        props.put("management.user", "operator");
        props.put("management.password", MANAGEMENT_PASSWORD);
        return props;
    }

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
        Logger root = logging.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        logging.getLogger("io.syncroutes").setLevel(ch.qos.logback.classic.Level.DEBUG);
        logging.getLogger("org.apache.camel.processor.errorhandler").setLevel(ch.qos.logback.classic.Level.DEBUG);
        logging.getLogger("products-dead-letter").setLevel(ch.qos.logback.classic.Level.DEBUG);
    }

    @AfterEach
    void stopCapture() {
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        logging.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(appender);
        logging.getLogger("io.syncroutes").setLevel(null);
        logging.getLogger("org.apache.camel.processor.errorhandler").setLevel(null);
        logging.getLogger("products-dead-letter").setLevel(null);
    }

    @Test
    void noSecretInLogsDeadLettersOrSyncState() {
        ivanti().stubFor(post("/oauth/token").inScenario("tokens").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(200).withBody("{\"access_token\": \"" + TOKENS.get(0) + "\", \"expires_in\": 3600}"))
                .willSetStateTo("second"));
        ivanti().stubFor(post("/oauth/token").inScenario("tokens").whenScenarioStateIs("second")
                .willReturn(aResponse().withStatus(200).withBody("{\"access_token\": \"" + TOKENS.get(1) + "\", \"expires_in\": 3600}")));
        ivanti().stubFor(get(urlPathMatching("/products/.*")).withHeader("Authorization", com.github.tomakehurst.wiremock.client.WireMock.equalTo("Bearer " + TOKENS.get(0)))
                .willReturn(aResponse().withStatus(401).withBody("{\"error\": \"token " + TOKENS.get(0) + " expired\"}")));
        ivanti().stubFor(get(urlPathMatching("/products/.*")).withHeader("Authorization", com.github.tomakehurst.wiremock.client.WireMock.equalTo("Bearer " + TOKENS.get(1)))
                .willReturn(aResponse().withStatus(200)));
        // a careless API that echoes the credentials it got
        ivanti().stubFor(put("/products/P12345").willReturn(aResponse().withStatus(400)
                .withBody("{\"error\": \"bad request\", \"apiKey\": \"" + API_KEY + "\", \"client_secret\": \"" + CLIENT_SECRET + "\"}")));

        publish(text(REF + "rabbitmq_message_sample_rabbitmq_message.json"));

        Message dead = deadLetter(20_000);
        assertThat(dead).isNotNull();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> ivanti().verify(1, putRequestedFor(urlEqualTo("/products/P12345"))));
        String headers = dead.getMessageProperties().getHeaders().toString();
        assertThat(headers).contains("x-sync-error-body").contains("****");
        String sync = Http.get("http://127.0.0.1:" + httpPort() + "/observe/sync", "Authorization", Http.basic("operator", MANAGEMENT_PASSWORD)).body();
        assertThat(sync).contains("products");

        // any library that logs a secret (message or exception) is masked too
        org.slf4j.Logger careless = LoggerFactory.getLogger("some.library");
        careless.warn("connecting with secret {} and key {}", CLIENT_SECRET, API_KEY);
        careless.warn("call failed", new IllegalStateException("Bearer " + TOKENS.get(1) + " rejected"));

        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("connecting with").contains("****").contains("call failed");
        assertThat(log).as("the capture works").contains("dead-lettered");
        for (String secret : List.of(CLIENT_SECRET, API_KEY, MANAGEMENT_PASSWORD, TOKENS.get(0), TOKENS.get(1))) {
            assertThat(log).as("log").doesNotContain(secret);
            assertThat(headers).as("dead-letter headers").doesNotContain(secret);
            assertThat(sync).as("/observe/sync").doesNotContain(secret);
        }
    }
}
