package io.syncroutes.products;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncroutes.Http;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static io.syncroutes.Fixtures.JSON;
import static io.syncroutes.Fixtures.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Products in the ledger end to end (AMQP, Ivanti on WireMock): a product created by one message and updated by a
 * later one names both messages and their runs (stats intervals); a dead-lettered one its reason, and its re-drive.
 */
class ProductsProvenanceTest extends ProductsTestSupport {

    private static final String SAMPLE = text(REF + "rabbitmq_message_sample_rabbitmq_message.json");

    @Test
    void aProductCreatedThenUpdatedNamesBothMessagesAndTheirRuns() throws Exception {
        ivanti().stubFor(get("/products/P12345").willReturn(aResponse().withStatus(404)));
        ivanti().stubFor(post("/products").willReturn(aResponse().withStatus(201).withBody(text(REF + "ivanti_sample_ivanti_response.json"))));
        publish(SAMPLE, "message-1");
        awaitWrites(1);
        ivanti().stubFor(get("/products/P12345").willReturn(aResponse().withStatus(200).withBody(text(REF + "ivanti_sample_ivanti_response.json"))));
        ivanti().stubFor(put("/products/P12345").willReturn(aResponse().withStatus(200)));
        publish(SAMPLE, "message-2");

        JsonNode writes = awaitWrites(2);
        assertThat(writes).extracting(w -> w.path("action").asText()).containsExactly("updated", "created");
        assertThat(writes).extracting(w -> w.path("source").path("messageId").asText()).containsExactly("message-2", "message-1");
        assertThat(writes.get(0).path("runId").asText()).isNotEqualTo(writes.get(1).path("runId").asText());
        JsonNode run = JSON.readTree(Http.get(url("/observe/runs/" + writes.get(0).path("runId").asText())).body());
        assertThat(run.path("flow").asText()).isEqualTo("products");
        assertThat(run.path("counts").path("successful_syncs").asLong()).isEqualTo(1);
        assertThat(run.path("trigger").asText()).isEqualTo("timer");
    }

    @Test
    void aDeadLetteredProductNamesItsReasonAndItsReDrive() throws Exception {
        ivanti().stubFor(get("/products/P12345").willReturn(aResponse().withStatus(404)));
        ivanti().stubFor(post("/products").willReturn(aResponse().withStatus(400).withBody("{\"error\": \"quantity_max < quantity_min\"}")));
        publish(SAMPLE, "message-3");
        JsonNode writes = awaitWrites(1);
        assertThat(writes.get(0).path("action").asText()).isEqualTo("dead-lettered");
        assertThat(writes.get(0).path("source").path("reason").asText()).contains("HTTP 400");

        ivanti().stubFor(post("/products").willReturn(aResponse().withStatus(201).withBody(text(REF + "ivanti_sample_ivanti_response.json"))));
        assertThat(Http.post(url("/observe/products/redrive"), "").statusCode()).isEqualTo(200);
        JsonNode after = awaitWrites(3);
        List<String> actions = new ArrayList<>();
        after.forEach(w -> actions.add(w.path("action").asText()));
        assertThat(actions).containsExactly("created", "re-driven", "dead-lettered");
        assertThat(after.get(1).path("run").path("trigger").asText()).isEqualTo("rest");
        assertThat(after.get(1).path("source").path("messageId").asText()).isEqualTo("message-3");
    }

    /** The product's writes, newest first, once there are {@code count} of them and each has its run recorded. */
    private JsonNode awaitWrites(int count) {
        JsonNode[] writes = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            writes[0] = JSON.readTree(Http.get(url("/observe/provenance/products/P12345")).body()).path("writes");
            assertThat(writes[0]).hasSize(count);
            writes[0].forEach(w -> assertThat(w.has("run")).as(w.toString()).isTrue());
        });
        return writes[0];
    }

    private void publish(String json, String messageId) {
        MessageProperties properties = new MessageProperties();
        properties.setContentType("application/json");
        properties.setMessageId(messageId);
        rabbit().send("", queue(), new Message(json.getBytes(StandardCharsets.UTF_8), properties));
    }

    private String url(String path) {
        return "http://127.0.0.1:" + httpPort() + path;
    }
}
