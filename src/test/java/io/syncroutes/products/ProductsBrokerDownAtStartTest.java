package io.syncroutes.products;

import io.syncroutes.Http;
import io.syncroutes.infra.EmbeddedAmqpBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Properties;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.syncroutes.Fixtures.drop;
import static io.syncroutes.Fixtures.text;
import static io.syncroutes.Fixtures.workOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The broker is down when the app starts: the products flow keeps retrying and the app reports not ready, while
 * the work-order flows run; once the broker is up, products flow and the app is ready.
 */
class ProductsBrokerDownAtStartTest extends ProductsTestSupport {

    private int brokerPort;
    private EmbeddedAmqpBroker broker;

    @Override
    protected Properties productProperties() {
        brokerPort = freePort();
        Properties props = new Properties();
        props.put("rabbitmq.host", "127.0.0.1");
        props.put("rabbitmq.port", String.valueOf(brokerPort));
        return props;
    }

    @AfterEach
    void stopBroker() {
        if (broker != null) {
            broker.stop();
        }
    }

    @Test
    void productsWaitForTheBrokerWhileWorkOrdersRun() {
        String ready = "http://127.0.0.1:" + httpPort() + "/observe/health/ready";
        drop(dir("inbound"), "orders.json", workOrder(1, "2025-01-01T00:00:00Z").toString());
        await().atMost(Duration.ofSeconds(20)).until(() -> dir("done").resolve("orders.json").toFile().exists());
        assertThat(Http.get(ready).statusCode()).as("not ready while the broker is down").isEqualTo(503);
        assertThat(Http.get(ready + "?exposureLevel=full").body()).contains("amqp");

        broker = new EmbeddedAmqpBroker("127.0.0.1", brokerPort, "guest", "guest", EmbeddedAmqpBroker.Store.MEMORY, dir("late-broker"));
        broker.start();
        ivanti().stubFor(get("/products/P12345").willReturn(aResponse().withStatus(200)));
        ivanti().stubFor(put("/products/P12345").willReturn(aResponse().withStatus(200)));
        await().atMost(Duration.ofSeconds(60)).until(() -> Http.get(ready).statusCode() == 200);

        publish(text(REF + "rabbitmq_message_sample_rabbitmq_message.json"));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> ivanti().verify(1, putRequestedFor(urlEqualTo("/products/P12345"))));
    }
}
