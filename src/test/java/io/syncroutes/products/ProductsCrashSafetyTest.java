package io.syncroutes.products;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.syncroutes.Fixtures;
import io.syncroutes.RunningApp;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The app is stopped while products are in flight (some waiting for a retry) and started again: every product
 * reaches Ivanti at least once, nothing is dead-lettered, the queue ends empty. The embedded broker keeps its
 * messages on disk (Derby) across the restart, as it does by default; or the real RabbitMQ is used.
 */
class ProductsCrashSafetyTest {

    private static final int PRODUCTS = 600;

    @TempDir
    Path tmp;

    private final WireMockServer ivanti = new WireMockServer(options().dynamicPort().asynchronousResponseEnabled(true));
    private final String queue = "products_crash_" + UUID.randomUUID().toString().substring(0, 8);
    private Main app;

    @AfterEach
    void tearDown() throws Exception {
        if (app != null) {
            if (!System.getProperty("sync.test.rabbitmq", "").isBlank()) {
                RabbitAdmin admin = new RabbitAdmin(connectionFactory());
                admin.deleteQueue(queue);
                admin.deleteQueue(queue + "_dlq");
            }
            app.stop();
        }
        ivanti.stop();
    }

    @Test
    void everyProductReachesIvantiAcrossAStopWhileInFlight() throws Exception {
        ivanti.start();
        ivanti.stubFor(post("/oauth/token").willReturn(aResponse().withStatus(200).withBody("{\"access_token\": \"t\", \"expires_in\": 3600}")));
        ivanti.stubFor(get(urlPathMatching("/products/.*")).willReturn(aResponse().withStatus(404).withFixedDelay(20)));
        ivanti.stubFor(post("/products").willReturn(aResponse().withStatus(201).withFixedDelay(20)));
        // every tenth product is slow: still in its call when the app stops
        ivanti.stubFor(get(urlPathMatching("/products/P\\d*0")).willReturn(aResponse().withStatus(404).withFixedDelay(1500)));

        app = RunningApp.start(properties());
        RabbitTemplate rabbit = new RabbitTemplate(connectionFactory());
        String sample = Fixtures.text("reference/ivanti-products/rabbitmq_message_sample_rabbitmq_message.json");
        for (int i = 0; i < PRODUCTS; i++) {
            MessageProperties props = new MessageProperties();
            props.setContentType("application/json");
            rabbit.send("", queue, new Message(sample.replace("P12345", "P" + i).getBytes(StandardCharsets.UTF_8), props));
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> ivanti.countRequestsMatching(postRequestedFor(urlEqualTo("/products")).build()).getCount() >= 60);
        app.stop();
        assertThat(createdProducts()).as("stopped half way").hasSizeLessThan(PRODUCTS);

        app = RunningApp.start(properties());
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(createdProducts()).hasSize(PRODUCTS));
        RabbitTemplate after = new RabbitTemplate(connectionFactory());
        assertThat(after.receive(queue + "_dlq", 200)).as("nothing dead-lettered").isNull();
        ProductQueues queues = app.getCamelContext().getRegistry().lookupByNameAndType("productQueues", ProductQueues.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> queues.depth() == 0);
    }

    private Set<String> createdProducts() {
        return ivanti.findAll(postRequestedFor(urlEqualTo("/products"))).stream()
                .map(LoggedRequest::getBodyAsString)
                .map(body -> body.replaceAll("(?s).*\"id\":\"([^\"]+)\".*", "$1"))
                .collect(Collectors.toSet());
    }

    private ConnectionFactory connectionFactory() {
        return app.getCamelContext().getRegistry().lookupByNameAndType("rabbitConnectionFactory", ConnectionFactory.class);
    }

    private Map<String, String> properties() {
        Map<String, String> props = RunningApp.embeddedProperties(tmp);
        props.put("workorders.export.interval-ms", "3600000");
        props.put("camel.main.shutdown-timeout", "2");
        props.put("ivanti.api-url", "http://localhost:" + ivanti.port());
        props.put("ivanti.token-url", "http://localhost:" + ivanti.port() + "/oauth/token");
        props.put("ivanti.client-id", "sync-routes");
        props.put("ivanti.client-secret", "secret");
        props.put("ivanti.api-key", "key");
        props.put("ivanti.retry.delay-ms", "100");
        props.put("products.queue", queue);
        props.put("products.consumers", "2");
        props.put("products.prefetch", "5");
        if (embeddedPort == 0) {
            // one broker across the restart: same port, same Derby store
            ProductsTestSupport.broker((k, v) -> props.put(k, v), "derby", tmp.resolve("amqp"));
            embeddedPort = Integer.parseInt(props.getOrDefault("rabbitmq.embedded.port", "-1"));
        } else {
            ProductsTestSupport.broker((k, v) -> props.put(k, v), "derby", tmp.resolve("amqp"));
            props.put("rabbitmq.embedded.port", String.valueOf(embeddedPort));
        }
        return props;
    }

    private int embeddedPort;

}
