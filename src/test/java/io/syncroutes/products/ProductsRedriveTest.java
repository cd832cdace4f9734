package io.syncroutes.products;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import io.syncroutes.Http;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.management.ObjectName;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.syncroutes.Fixtures.JSON;
import static io.syncroutes.Fixtures.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Dead-letter re-drive: dead letters moved back to products_queue (JMX operation and POST /observe/products/redrive),
 * their reason kept as x-sync-previous-*, delivered once the cause is fixed; a broker that refuses loses nothing.
 */
class ProductsRedriveTest extends ProductsTestSupport {

    private static final String SAMPLE = text(REF + "rabbitmq_message_sample_rabbitmq_message.json");

    @Test
    void hundredDeadLettersMovedBackAndDeliveredOnceTheCauseIsFixed() throws Exception {
        ivanti().stubFor(get(urlPathMatching("/products/.*")).willReturn(aResponse().withStatus(404)));
        ivanti().stubFor(post("/products").willReturn(aResponse().withStatus(201)));
        StubMapping refused = ivanti().stubFor(post("/products").atPriority(1)
                .willReturn(aResponse().withStatus(422).withBody("{\"error\": \"unknown profit center\"}")));
        for (int i = 0; i < 100; i++) {
            publish(SAMPLE.replace("P12345", "P" + i));
        }
        ProductQueues queues = queues();
        await().atMost(Duration.ofSeconds(30)).until(() -> queues.deadLetterDepth() == 100);

        // JMX (what Hawtio's Operations tab calls): 5 moved, their reason kept as x-sync-previous-*
        context.getRouteController().stopRoute("products-sync");
        @SuppressWarnings("unchecked")
        Map<String, Object> jmx = (Map<String, Object>) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("io.syncroutes:type=DeadLetters,flow=products"), "redrive", new Object[] {5}, new String[] {"int"});
        assertThat(jmx.get("moved")).isEqualTo(5L);
        assertThat(jmx.get("failure")).isNull();
        for (int i = 0; i < 5; i++) {
            Message moved = rabbit().receive(queue(), 5_000);
            assertThat(moved).isNotNull();
            assertThat(new String(moved.getBody(), StandardCharsets.UTF_8)).startsWith("{");
            Map<String, Object> headers = moved.getMessageProperties().getHeaders();
            assertThat(headers.get("x-sync-previous-error-status").toString()).isEqualTo("422");
            assertThat(headers.get("x-sync-previous-error-reason").toString()).contains("HTTP 422");
            assertThat(headers.get("x-sync-previous-product-id").toString()).startsWith("P");
            assertThat(headers).doesNotContainKey("x-sync-error-reason");
            rabbit().send("", queue(), moved);
        }
        assertThat(queues.deadLetterDepth()).isEqualTo(95);

        // the cause is fixed: the rest moved back over HTTP, in two calls
        ivanti().removeStub(refused);
        ivanti().resetRequests();
        context.getRouteController().startRoute("products-sync");
        HttpResponse<String> first = Http.post(url("/observe/products/redrive?limit=40"), "");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(first.body()).get("moved").asLong()).isEqualTo(40);
        HttpResponse<String> rest = Http.post(url("/observe/products/redrive"), "");
        JsonNode reply = JSON.readTree(rest.body());
        assertThat(rest.statusCode()).isEqualTo(200);
        assertThat(reply.get("moved").asLong()).isEqualTo(55);
        assertThat(reply.get("leftInDeadLetterQueue").asLong()).isZero();
        assertThat(reply.get("failure").isNull()).isTrue();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(createdIds()).hasSize(100));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(queues.depth()).isZero();
            assertThat(queues.deadLetterDepth()).isZero();
        });
    }

    @Test
    void brokerRefusingTheMessagesLosesNothing() throws Exception {
        for (int i = 0; i < 10; i++) {
            publish("{not json " + i);
        }
        ProductQueues queues = queues();
        await().atMost(Duration.ofSeconds(20)).until(() -> queues.deadLetterDepth() == 10);
        context.getRouteController().stopRoute("products-sync");
        // products_queue gone: the broker cannot route what is published to it
        new RabbitAdmin(context.getRegistry().lookupByNameAndType("rabbitConnectionFactory", ConnectionFactory.class)).deleteQueue(queue());

        HttpResponse<String> response = Http.post(url("/observe/products/redrive"), "");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).contains("\"moved\":0").contains("could not route");
        await().atMost(Duration.ofSeconds(10)).until(() -> queues.deadLetterDepth() == 10);
    }

    @Test
    void redriveAnswersLoopbackClientsOnlyAndRejectsABadLimit() throws Exception {
        HttpResponse<String> bad = Http.post(url("/observe/products/redrive?limit=lots"), "");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("limit must be a number");
        assertThat(Http.get(url("/observe/products/redrive")).statusCode()).as("POST only").isEqualTo(405);
    }

    private ProductQueues queues() {
        return context.getRegistry().lookupByNameAndType("productQueues", ProductQueues.class);
    }

    private Set<String> createdIds() {
        return ivanti().findAll(postRequestedFor(urlEqualTo("/products"))).stream()
                .map(r -> {
                    try {
                        return JSON.readTree(r.getBodyAsString()).path("id").asText();
                    } catch (Exception e) {
                        return "";
                    }
                })
                .collect(Collectors.toSet());
    }

    private String url(String path) {
        return "http://127.0.0.1:" + httpPort() + path;
    }
}
