package io.syncroutes.products;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.syncroutes.Fixtures.JSON;
import static io.syncroutes.Fixtures.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A product created between the GET and the POST (two consumers with messages of one new product, or a POST retried
 * after a timeout that Ivanti had taken): Ivanti answers the create 409 and the product is updated instead, not
 * dead-lettered.
 */
class ProductsCreateConflictTest extends ProductsTestSupport {

    private static final String SAMPLE = text(REF + "rabbitmq_message_sample_rabbitmq_message.json");

    @Test
    void createAnsweredConflictBecomesAnUpdate() throws Exception {
        ivanti().stubFor(get("/products/P12345").willReturn(aResponse().withStatus(404)));
        ivanti().stubFor(post("/products").willReturn(aResponse().withStatus(409).withHeader("X-Create", "refused")
                .withBody("{\"error\": \"exists\"}")));
        ivanti().stubFor(put("/products/P12345").willReturn(aResponse().withStatus(200)));

        publish(SAMPLE);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> ivanti().verify(1, putRequestedFor(urlEqualTo("/products/P12345"))));
        ivanti().verify(1, postRequestedFor(urlEqualTo("/products")));
        LoggedRequest update = ivanti().findAll(putRequestedFor(urlEqualTo("/products/P12345"))).get(0);
        JsonNode created = JSON.readTree(ivanti().findAll(postRequestedFor(urlEqualTo("/products"))).get(0).getBodyAsString());
        assertThat(JSON.readTree(update.getBodyAsString())).as("the update carries the product").isEqualTo(created);
        assertThat(update.getHeader("Authorization")).isEqualTo("Bearer test-token");
        assertThat(update.getHeader("X-API-Key")).isEqualTo(API_KEY);
        assertThat(update.getHeader("X-Create")).as("no response header of the create is sent on").isNull();
        assertThat(deadLetter(1000)).isNull();
        assertAcknowledged();
    }

    private void assertAcknowledged() {
        ProductQueues queues = context.getRegistry().lookupByNameAndType("productQueues", ProductQueues.class);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(queues.depth()).isZero();
            assertThat(context.getInflightRepository().size("products-sync")).isZero();
        });
    }
}
