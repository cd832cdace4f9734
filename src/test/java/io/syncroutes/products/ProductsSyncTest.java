package io.syncroutes.products;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.syncroutes.Fixtures;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.syncroutes.Fixtures.JSON;
import static io.syncroutes.Fixtures.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Products end to end: messages over AMQP, Ivanti (WireMock) over HTTP, dead letters read back from the DLQ. */
class ProductsSyncTest extends ProductsTestSupport {

    private static final String SAMPLE = text(REF + "rabbitmq_message_sample_rabbitmq_message.json");

    @Test
    void newProductIsCreatedWithTheReferenceBody() throws Exception {
        ivanti().stubFor(get("/products/P12345").willReturn(aResponse().withStatus(404)));
        ivanti().stubFor(post("/products").willReturn(aResponse().withStatus(201).withBody(text(REF + "ivanti_sample_ivanti_response.json"))));

        publish(SAMPLE);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> ivanti().verify(1, postRequestedFor(urlEqualTo("/products"))));
        LoggedRequest request = ivanti().findAll(postRequestedFor(urlEqualTo("/products"))).get(0);
        ObjectNode body = (ObjectNode) JSON.readTree(request.getBodyAsString());
        assertThat(body.remove("created_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}");
        ObjectNode expected = (ObjectNode) Fixtures.json(REF + "DERIVED_ivanti_POST_products_body_for_sample_message.json");
        expected.remove("created_at");
        assertThat(body).isEqualTo(expected);
        assertThat(request.getHeader("Authorization")).isEqualTo("Bearer test-token");
        assertThat(request.getHeader("X-API-Key")).isEqualTo(API_KEY);
        assertThat(request.getHeader("Content-Type")).startsWith("application/json");
        ivanti().verify(0, putRequestedFor(urlPathMatching("/products/.*")));
        assertAcknowledged();
    }

    @Test
    void existingProductIsUpdated() {
        ivanti().stubFor(get("/products/P12345").willReturn(aResponse().withStatus(200).withBody(text(REF + "ivanti_sample_ivanti_response.json"))));
        ivanti().stubFor(put("/products/P12345").willReturn(aResponse().withStatus(200)));

        publish(SAMPLE);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> ivanti().verify(1, putRequestedFor(urlEqualTo("/products/P12345"))));
        ivanti().verify(0, postRequestedFor(urlEqualTo("/products")));
        LoggedRequest request = ivanti().findAll(putRequestedFor(urlEqualTo("/products/P12345"))).get(0);
        assertThat(request.getHeader("Matched-Stub-Id")).as("no response header of the GET is sent on").isNull();
        assertAcknowledged();
    }

    @Test
    void serviceUnavailableTwiceThenDeliveredAfterRetries() {
        ivanti().stubFor(get("/products/P12345").willReturn(aResponse().withStatus(200)));
        ivanti().stubFor(put("/products/P12345").inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("second"));
        ivanti().stubFor(put("/products/P12345").inScenario("flaky").whenScenarioStateIs("second")
                .willReturn(aResponse().withStatus(503)).willSetStateTo("third"));
        ivanti().stubFor(put("/products/P12345").inScenario("flaky").whenScenarioStateIs("third")
                .willReturn(aResponse().withStatus(200)));

        publish(SAMPLE);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> ivanti().verify(3, putRequestedFor(urlEqualTo("/products/P12345"))));
        assertAcknowledged();
        assertThat(deadLetter(500)).isNull();
    }

    @Test
    void tooManyRequestsWaitsForRetryAfterThenDelivers() {
        ivanti().stubFor(get("/products/P12345").willReturn(aResponse().withStatus(200)));
        ivanti().stubFor(put("/products/P12345").inScenario("busy").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2")).willSetStateTo("ok"));
        ivanti().stubFor(put("/products/P12345").inScenario("busy").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(200)));

        publish(SAMPLE);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> ivanti().verify(2, putRequestedFor(urlEqualTo("/products/P12345"))));
        List<LoggedRequest> puts = ivanti().findAll(putRequestedFor(urlEqualTo("/products/P12345")));
        long waited = puts.get(1).getLoggedDate().getTime() - puts.get(0).getLoggedDate().getTime();
        assertThat(waited).as("Retry-After: 2 honoured (backoff alone would be ~100 ms)").isGreaterThanOrEqualTo(2_000);
        assertAcknowledged();
    }

    @Test
    void badRequestGoesToTheDeadLetterQueueAtOnceWithTheReason() {
        ivanti().stubFor(get("/products/P12345").willReturn(aResponse().withStatus(200)));
        ivanti().stubFor(put("/products/P12345").willReturn(aResponse().withStatus(400).withBody("{\"error\": \"quantity_max < quantity_min\"}")));

        publish(SAMPLE);

        Message dead = deadLetter(20_000);
        assertThat(dead).isNotNull();
        assertThat(new String(dead.getBody(), StandardCharsets.UTF_8)).isEqualTo(SAMPLE);
        assertThat(dead.getMessageProperties().<Object>getHeader("x-sync-error-status").toString()).isEqualTo("400");
        assertThat((String) dead.getMessageProperties().getHeader("x-sync-error-reason")).contains("HTTP 400");
        assertThat((String) dead.getMessageProperties().getHeader("x-sync-error-body")).contains("quantity_max < quantity_min");
        assertThat(dead.getMessageProperties().<Object>getHeader("x-sync-attempts").toString()).isEqualTo("1");
        assertThat((String) dead.getMessageProperties().getHeader("x-sync-product-id")).isEqualTo("P12345");
        ivanti().verify(1, putRequestedFor(urlEqualTo("/products/P12345")));
        assertAcknowledged();
    }

    @Test
    void invalidMessagesGoToTheDeadLetterQueueWithTheReasonAndNeverReachIvanti() {
        publish("{not json");
        publish(text(REF + "rabbitmq_message_INVALID_invalid_message.json"));
        publish(text(REF + "rabbitmq_message_INVALID_message_with_invalid_element.json"));
        ObjectNode misspelled = (ObjectNode) Fixtures.json(REF + "rabbitmq_message_sample_rabbitmq_message.json");
        ObjectNode element = (ObjectNode) misspelled.get("productElements").get(0);
        element.set("Length", element.remove("Lenght"));
        element.put("Status", "Retired");
        publish(misspelled.toString());

        List<String> reasons = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Message dead = deadLetter(20_000);
            assertThat(dead).isNotNull();
            assertThat(dead.getMessageProperties().<Object>getHeader("x-sync-attempts").toString()).isEqualTo("1");
            reasons.add(dead.getMessageProperties().getHeader("x-sync-error-reason"));
        }
        assertThat(reasons).anySatisfy(r -> assertThat(r).startsWith("message is not JSON"));
        assertThat(reasons).anySatisfy(r -> assertThat(r).startsWith("invalid product message: productId is missing; productName is missing; "
                + "productElements[0].Lenght is missing; productElements[0].Procuct Element is missing; "));
        assertThat(reasons).anySatisfy(r -> assertThat(r).contains("productElements[0].Lenght: does not match the regex pattern")
                .contains("productElements[0].%Sconto MAX: does not match the regex pattern")
                .contains("productElements[0].Startup Costo is missing"));
        assertThat(reasons).anySatisfy(r -> assertThat(r).contains("productElements[0].Lenght is missing")
                .contains("productElements[0].Status: does not have a value in the enumeration"));
        assertThat(ivanti().findAll(getRequestedFor(urlPathMatching("/products.*")))).isEmpty();
        assertAcknowledged();
    }

    @Test
    void oneTokenServesManyMessages() {
        ivanti().stubFor(get(urlPathMatching("/products/.*")).willReturn(aResponse().withStatus(200)));
        ivanti().stubFor(put(urlPathMatching("/products/.*")).willReturn(aResponse().withStatus(200)));

        for (int i = 0; i < 50; i++) {
            publish(SAMPLE.replace("P12345", "P" + i));
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> ivanti().verify(50, putRequestedFor(urlPathMatching("/products/.*"))));
        ivanti().verify(1, postRequestedFor(urlEqualTo("/oauth/token")));
        JsonNode tokenRequest = readJson(ivanti().findAll(postRequestedFor(urlEqualTo("/oauth/token"))).get(0).getBodyAsString());
        assertThat(tokenRequest.get("grant_type").asText()).isEqualTo("client_credentials");
        assertThat(tokenRequest.get("client_id").asText()).isEqualTo("sync-routes");
        assertThat(tokenRequest.get("client_secret").asText()).isEqualTo(CLIENT_SECRET);
        assertAcknowledged();
    }

    @Test
    void rejectedTokenIsReplacedOnceAndTheCallRepeated() {
        ivanti().stubFor(post("/oauth/token").inScenario("tokens").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(200).withBody("{\"access_token\": \"old-token\", \"expires_in\": 3600}"))
                .willSetStateTo("rotated"));
        ivanti().stubFor(post("/oauth/token").inScenario("tokens").whenScenarioStateIs("rotated")
                .willReturn(aResponse().withStatus(200).withBody("{\"access_token\": \"new-token\", \"expires_in\": 3600}")));
        ivanti().stubFor(get(urlPathMatching("/products/.*")).withHeader("Authorization", equalTo("Bearer old-token"))
                .willReturn(aResponse().withStatus(401)));
        ivanti().stubFor(get(urlPathMatching("/products/.*")).withHeader("Authorization", equalTo("Bearer new-token"))
                .willReturn(aResponse().withStatus(200)));
        ivanti().stubFor(put(urlPathMatching("/products/.*")).willReturn(aResponse().withStatus(200)));

        for (int i = 0; i < 20; i++) {
            publish(SAMPLE.replace("P12345", "P" + i));
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> ivanti().verify(20, putRequestedFor(urlPathMatching("/products/.*"))));
        ivanti().verify(2, postRequestedFor(urlEqualTo("/oauth/token")));
        assertThat(deadLetter(200)).isNull();
        assertAcknowledged();
    }

    private void assertAcknowledged() {
        ProductQueues queues = context.getRegistry().lookupByNameAndType("productQueues", ProductQueues.class);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(queues.depth()).isZero();
            assertThat(context.getInflightRepository().size("products-sync")).isZero();
        });
    }

    private static JsonNode readJson(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
