package io.syncroutes.products;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;
import io.syncroutes.RunningApp;
import io.syncroutes.Fixtures;
import io.syncroutes.SyncRoutesTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The app with its embedded broker (Derby store, the default) is killed with SIGKILL while products are queued
 * and in flight; started again on the same data folder, it delivers every product to Ivanti: nothing is lost.
 */
class ProductsKillMinus9Test {

    private static final int PRODUCTS = 400;

    @TempDir
    Path tmp;

    private final WireMockServer ivanti = new WireMockServer(options().dynamicPort().asynchronousResponseEnabled(true));
    private final int brokerPort = SyncRoutesTestSupport.freePort();
    private Process app;

    @AfterEach
    void tearDown() throws Exception {
        if (app != null) {
            app.destroyForcibly().waitFor();
        }
        ivanti.stop();
    }

    @Test
    void queuedAndInFlightProductsSurviveKillMinus9() throws Exception {
        ivanti.start();
        ivanti.stubFor(post("/oauth/token").willReturn(aResponse().withStatus(200).withBody("{\"access_token\": \"t\", \"expires_in\": 3600}")));
        ivanti.stubFor(get(urlPathMatching("/products/.*")).willReturn(aResponse().withStatus(404).withFixedDelay(30)));
        ivanti.stubFor(post("/products").willReturn(aResponse().withStatus(201).withFixedDelay(30)));

        app = start();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(brokerPort);
        await().atMost(Duration.ofSeconds(60)).until(() -> RunningApp.listening(brokerPort));
        String sample = Fixtures.text("reference/ivanti-products/rabbitmq_message_sample_rabbitmq_message.json");
        Connection opened = await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(factory::newConnection, c -> c != null);
        try (Connection connection = opened; Channel channel = connection.createChannel()) {
            channel.confirmSelect();
            // the app declares the queue on its first connection (a failed passive declare closes the channel it ran on)
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                try (Channel probe = connection.createChannel()) {
                    probe.queueDeclarePassive("products_queue");
                }
                return true;
            });
            for (int i = 0; i < PRODUCTS; i++) {
                channel.basicPublish("", "products_queue", MessageProperties.PERSISTENT_TEXT_PLAIN,
                        sample.replace("P12345", "P" + i).getBytes(StandardCharsets.UTF_8));
            }
            channel.waitForConfirmsOrDie(30_000);
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> created().size() >= 40);
        app.destroyForcibly().waitFor();
        assertThat(created()).as("killed half way").hasSizeLessThan(PRODUCTS);

        app = start();
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(created()).hasSize(PRODUCTS));
    }

    private Set<String> created() {
        return ivanti.findAll(postRequestedFor(urlEqualTo("/products"))).stream()
                .map(LoggedRequest::getBodyAsString)
                .map(body -> body.replaceAll("(?s).*\"id\":\"([^\"]+)\".*", "$1"))
                .collect(Collectors.toSet());
    }

    private Process start() throws Exception {
        Map<String, String> env = RunningApp.embeddedEnv(tmp);
        env.put("RABBITMQ_EMBEDDED_PORT", String.valueOf(brokerPort));
        env.put("RABBITMQ_EMBEDDED_DIR", tmp.resolve("amqp").toString());
        env.put("IVANTI_API_URL", "http://localhost:" + ivanti.port());
        env.put("IVANTI_TOKEN_URL", "http://localhost:" + ivanti.port() + "/oauth/token");
        env.put("IVANTI_CLIENT_ID", "id");
        env.put("IVANTI_CLIENT_SECRET", "secret-value");
        env.put("IVANTI_API_KEY", "key-value");
        env.put("PRODUCTS_CONSUMERS", "2");
        env.put("PRODUCTS_PREFETCH", "5");
        return RunningApp.startProcess(env, tmp.resolve("app.log"));
    }
}
