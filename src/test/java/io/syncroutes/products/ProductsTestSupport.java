package io.syncroutes.products;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.syncroutes.SyncRoutesTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BiConsumer;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * The products flow against WireMock standing in for Ivanti (real HTTP) and an AMQP broker over real AMQP: the
 * embedded Qpid broker, or the RabbitMQ named by {@code -Dsync.test.rabbitmq=host:port} (what .ci/run does when
 * one is listening). Each test uses its own queue.
 */
public abstract class ProductsTestSupport extends SyncRoutesTestSupport {

    protected static final String REF = "reference/ivanti-products/";
    protected static final String CLIENT_SECRET = "s3cr3t-client-secret-value";
    protected static final String API_KEY = "api-key-0123456789";

    // created lazily: CamelTestSupport asks for the properties from its constructor
    private WireMockServer ivanti;
    private String queue;

    protected WireMockServer ivanti() {
        if (ivanti == null) {
            ivanti = new WireMockServer(options().dynamicPort().asynchronousResponseEnabled(true));
            ivanti.start();
            ivanti.stubFor(post(urlEqualTo("/oauth/token")).willReturn(aResponse().withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"access_token\": \"test-token\", \"token_type\": \"Bearer\", \"expires_in\": 3600}")));
        }
        return ivanti;
    }

    protected String queue() {
        if (queue == null) {
            queue = "products_test_" + UUID.randomUUID().toString().substring(0, 8);
        }
        return queue;
    }

    @Override
    protected Properties properties() {
        Properties props = new Properties();
        props.put("workorders.export.interval-ms", "3600000");
        props.put("ivanti.api-url", "http://localhost:" + ivanti().port());
        props.put("ivanti.token-url", "http://localhost:" + ivanti().port() + "/oauth/token");
        props.put("ivanti.client-id", "sync-routes");
        props.put("ivanti.client-secret", CLIENT_SECRET);
        props.put("ivanti.api-key", API_KEY);
        props.put("ivanti.retry.delay-ms", "100");
        props.put("ivanti.timeout-ms", "2000");
        props.put("products.queue", queue());
        props.put("products.consumers", "4");
        props.put("products.stats-interval-ms", "500");
        broker(props::put, "memory", dir("amqp"));
        props.putAll(productProperties());
        return props;
    }

    /**
     * The broker settings of a test: the RabbitMQ named by {@code -Dsync.test.rabbitmq=host:port}, or else an
     * embedded broker on a free port with this store.
     */
    static void broker(BiConsumer<String, String> put, String embeddedStore, Path embeddedDir) {
        String real = System.getProperty("sync.test.rabbitmq", "");
        if (real.isBlank()) {
            put.accept("rabbitmq.host", "");
            put.accept("rabbitmq.embedded.port", String.valueOf(freePort()));
            put.accept("rabbitmq.embedded.store", embeddedStore);
            put.accept("rabbitmq.embedded.dir", embeddedDir.toString());
        } else {
            put.accept("rabbitmq.host", real.split(":")[0]);
            put.accept("rabbitmq.port", real.split(":")[1]);
        }
    }

    /** Extra or changed properties of a products test class. */
    protected Properties productProperties() {
        return new Properties();
    }

    @AfterEach
    void stopIvantiAndDropQueues() throws Exception {
        ConnectionFactory factory = context.getRegistry().lookupByNameAndType("rabbitConnectionFactory", ConnectionFactory.class);
        if (factory != null && !System.getProperty("sync.test.rabbitmq", "").isBlank()) {
            context.getRouteController().stopAllRoutes();
            try {
                RabbitAdmin admin = new RabbitAdmin(factory);
                admin.deleteQueue(queue());
                admin.deleteQueue(queue() + "_dlq");
            } catch (AmqpException e) {
                // the test's broker is gone already (it used its own): nothing to clean up
            }
        }
        if (ivanti != null) {
            ivanti.stop();
        }
    }

    protected RabbitTemplate rabbit() {
        RabbitTemplate template = new RabbitTemplate(context.getRegistry().lookupByNameAndType("rabbitConnectionFactory", ConnectionFactory.class));
        template.setReceiveTimeout(100);
        return template;
    }

    /** Publishes a message to the products queue, persistent, as the producing system does. */
    protected void publish(String json) {
        MessageProperties properties = new MessageProperties();
        properties.setContentType("application/json");
        rabbit().send("", queue(), new Message(json.getBytes(StandardCharsets.UTF_8), properties));
    }

    /** The next message of the dead-letter queue, or null. */
    protected Message deadLetter(long timeoutMs) {
        return rabbit().receive(queue() + "_dlq", timeoutMs);
    }
}
