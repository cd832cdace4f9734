package io.syncroutes.products;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.syncroutes.Http;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import javax.management.ObjectName;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
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
 * Ivanti down or rejecting the credentials: the circuit breaker pauses the products consumer, nothing valid is
 * dead-lettered, the messages wait in the queue and are all delivered once Ivanti answers again.
 */
class ProductsCircuitBreakerTest extends ProductsTestSupport {

    private static final String SAMPLE = text(REF + "rabbitmq_message_sample_rabbitmq_message.json");

    @Override
    protected Properties productProperties() {
        Properties props = new Properties();
        props.put("ivanti.breaker.failure-threshold", "5");
        props.put("ivanti.breaker.failure-window-ms", "60000");
        props.put("ivanti.breaker.probe-delay-ms", "1000");
        props.put("ivanti.breaker.probe-max-delay-ms", "4000");
        props.put("sync.lag-refresh-ms", "200");
        return props;
    }

    @Test
    void ivantiDownForAMinuteWhileAThousandProductsAreQueued() throws Exception {
        StubMapping down = ivanti().stubFor(any(urlPathMatching("/products.*")).atPriority(1)
                .willReturn(aResponse().withStatus(503).withBody("{\"error\": \"maintenance\"}")));
        ivanti().stubFor(get(urlPathMatching("/products/.*")).willReturn(aResponse().withStatus(404)));
        ivanti().stubFor(post("/products").willReturn(aResponse().withStatus(201)));
        long outageStart = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            publish(SAMPLE.replace("P12345", "P" + i));
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> "open".equals(circuit().path("state").asText()));
        assertThat(circuit().path("lastError").asText()).contains("503");
        assertThat(circuit().path("since").asText()).isNotBlank();
        assertThat(mbean("CircuitState")).isIn("open", "half-open");
        assertThat(Http.get(url("/observe/metrics")).body()).containsAnyOf("sync_circuit_state{flow=\"products\"} 2.0", "sync_circuit_state{flow=\"products\"} 1.0");

        // paused: once the calls in flight have given up, only the breaker's probes reach Ivanti
        Thread.sleep(5_000);
        int before = productCalls();
        Thread.sleep(5_000);
        assertThat(productCalls() - before).as("no product taken from the queue while the circuit is open").isZero();
        assertThat(ivanti().findAll(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(urlEqualTo("/products/sync-routes-probe"))))
                .as("Ivanti probed meanwhile").isNotEmpty();

        // the rest of the 60 s outage: nothing dead-lettered, the products wait in the queue
        ProductQueues queues = context.getRegistry().lookupByNameAndType("productQueues", ProductQueues.class);
        while (Duration.ofNanos(System.nanoTime() - outageStart).toSeconds() < 60) {
            assertThat(queues.deadLetterDepth()).as("no valid product dead-lettered").isZero();
            Thread.sleep(2_000);
        }
        assertThat(queues.depth()).as("held in products_queue").isGreaterThan(0);
        assertThat(circuit().path("state").asText()).isIn("open", "half-open");

        ivanti().removeStub(down);

        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(createdIds()).hasSize(1000));
        await().atMost(Duration.ofSeconds(10)).until(() -> "closed".equals(circuit().path("state").asText()));
        assertThat(mbean("CircuitState")).isEqualTo("closed");
        assertThat(Http.get(url("/observe/metrics")).body()).contains("sync_circuit_state{flow=\"products\"} 0.0");
        assertThat(deadLetter(500)).isNull();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(queues.depth()).isZero();
            assertThat(context.getInflightRepository().size("products-sync")).isZero();
        });
        assertThat(JSON.readTree(Http.get(url("/observe/sync")).body()).at("/flows/products/totals/failed_syncs").asLong()).isZero();
    }

    @Test
    void rejectedCredentialsPauseTheConsumerWithoutDeadLettering() throws Exception {
        StubMapping rejected = ivanti().stubFor(post("/oauth/token").atPriority(1)
                .willReturn(aResponse().withStatus(401).withBody("{\"error\": \"invalid_client\"}")));
        ivanti().stubFor(get(urlPathMatching("/products/.*")).willReturn(aResponse().withStatus(404)));
        ivanti().stubFor(post("/products").willReturn(aResponse().withStatus(201)));
        for (int i = 0; i < 20; i++) {
            publish(SAMPLE.replace("P12345", "P" + i));
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> "open".equals(circuit().path("state").asText()));
        assertThat(circuit().path("lastError").asText()).contains("401");
        ProductQueues queues = context.getRegistry().lookupByNameAndType("productQueues", ProductQueues.class);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(queues.depth()).as("all handed back to the queue").isEqualTo(20));
        assertThat(deadLetter(500)).isNull();
        assertThat(createdIds()).isEmpty();

        ivanti().removeStub(rejected);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(createdIds()).hasSize(20));
        await().atMost(Duration.ofSeconds(10)).until(() -> "closed".equals(circuit().path("state").asText()));
        assertThat(deadLetter(500)).isNull();
    }

    @Test
    void duringAnOutageOnlyTheInvalidMessagesGoToTheDeadLetterQueue() throws Exception {
        StubMapping down = ivanti().stubFor(any(urlPathMatching("/products.*")).atPriority(1)
                .willReturn(aResponse().withFault(com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER)));
        ivanti().stubFor(get(urlPathMatching("/products/.*")).willReturn(aResponse().withStatus(404)));
        ivanti().stubFor(post("/products").willReturn(aResponse().withStatus(201)));
        // Ivanti refuses this one product for what it is: a 4xx other than 401/408/429
        ivanti().stubFor(post("/products").withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("\"P-REFUSED\""))
                .willReturn(aResponse().withStatus(422).withBody("{\"error\": \"unknown profit center\"}")));

        Set<String> invalid = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            publish(SAMPLE.replace("P12345", "P" + i));
            if (i % 6 == 0) {
                String bad = "{\"productId\": \"BAD" + i + "\", \"productName\": 42}";
                publish(bad);
                invalid.add("BAD" + i);
            }
        }
        publish(SAMPLE.replace("P12345", "P-REFUSED"));
        await().atMost(Duration.ofSeconds(30)).until(() -> "open".equals(circuit().path("state").asText()));
        Thread.sleep(3_000);

        ivanti().removeStub(down);

        Set<String> valid = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            valid.add("P" + i);
        }
        await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> assertThat(createdIds()).containsAll(valid));
        List<String> dead = new ArrayList<>();
        for (Message m; (m = deadLetter(2_000)) != null; ) {
            dead.add((String) m.getMessageProperties().getHeader("x-sync-product-id"));
        }
        Set<String> expected = new HashSet<>(invalid);
        expected.add("P-REFUSED");
        assertThat(dead).containsExactlyInAnyOrderElementsOf(expected);
    }

    private int productCalls() {
        return (int) ivanti().findAll(com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(urlPathMatching("/products.*")))
                .stream().filter(r -> !r.getUrl().equals("/products/sync-routes-probe")).count();
    }

    private Set<String> createdIds() {
        return ivanti().findAll(postRequestedFor(urlEqualTo("/products"))).stream()
                .filter(r -> r.getBodyAsString() != null)
                .map(LoggedRequest::getBodyAsString)
                .map(body -> {
                    try {
                        return JSON.readTree(body).path("id").asText();
                    } catch (Exception e) {
                        return "";
                    }
                })
                .collect(Collectors.toSet());
    }

    private JsonNode circuit() throws Exception {
        return JSON.readTree(Http.get(url("/observe/sync")).body()).at("/flows/products/circuitBreaker");
    }

    private Object mbean(String attribute) throws Exception {
        return ManagementFactory.getPlatformMBeanServer().getAttribute(new ObjectName("io.syncroutes:type=SyncState,flow=products"), attribute);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + httpPort() + path;
    }

    static String utf8(byte[] body) {
        return new String(body, StandardCharsets.UTF_8);
    }
}
