package io.syncroutes.products;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.syncroutes.Http;
import io.syncroutes.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;

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
    private final LogCapture log = new LogCapture("io.syncroutes", "org.apache.camel.processor.errorhandler", "products-dead-letter");

    @Override
    protected Properties productProperties() {
        Properties props = new Properties();
        props.put("management.user", "operator");
        props.put("management.password", MANAGEMENT_PASSWORD);
        return props;
    }

    @BeforeEach
    void captureLog() {
        log.start();
    }

    @AfterEach
    void stopCapture() {
        log.stop();
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

        String log = this.log.text();
        assertThat(log).contains("connecting with").contains("****").contains("call failed");
        assertThat(log).as("the capture works").contains("dead-lettered");
        for (String secret : List.of(CLIENT_SECRET, API_KEY, MANAGEMENT_PASSWORD, TOKENS.get(0), TOKENS.get(1))) {
            assertThat(log).as("log").doesNotContain(secret);
            assertThat(headers).as("dead-letter headers").doesNotContain(secret);
            assertThat(sync).as("/observe/sync").doesNotContain(secret);
        }
    }
}
