package io.syncroutes.products;

import io.syncroutes.Fixtures;
import io.syncroutes.shared.FlowState;
import io.syncroutes.shared.SyncState;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PRODUCTS_DRY_RUN=true: the queue is browsed, each product validated and looked up in Ivanti with a GET; nothing is
 * consumed, dead-lettered or written to Ivanti.
 */
class ProductsDryRunTest extends ProductsTestSupport {

    @Override
    protected Properties productProperties() {
        Properties props = new Properties();
        props.put("products.dry-run", "true");
        props.put("products.stats-interval-ms", "3600000");
        return props;
    }

    @Test
    @SuppressWarnings("unchecked")
    void theQueueIsBrowsedAndPlannedNotConsumed() {
        ivanti().stubFor(get(urlEqualTo("/products/P1")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"productId\": \"P1\"}")));
        ivanti().stubFor(get(urlEqualTo("/products/P2")).willReturn(aResponse().withStatus(404)));
        String product = Fixtures.text(REF + "rabbitmq_message_sample_rabbitmq_message.json");
        publish(product.replace("\"P12345\"", "\"P1\""));
        publish(product.replace("\"P12345\"", "\"P2\""));
        publish("{\"productName\": \"no id\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> depth(queue()) == 3);

        String line = template.requestBody("direct:products-plan-run", null, String.class);

        assertThat(line).startsWith("DRY RUN (nothing written) products in " + queue() + ": created=1 [P2] updated=1 [P1] deadLettered=1 ");
        assertThat(line).contains("productId is missing");
        assertThat(context.getRouteController().getRouteStatus("products-sync").isStarted()).as("no consumer").isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> depth(queue()) == 3);
        assertThat(depth(queue() + "_dlq")).as("nothing dead-lettered").isZero();
        ivanti().verify(2, getRequestedFor(urlPathMatching("/products/.*")));
        ivanti().verify(0, postRequestedFor(urlPathMatching("/products.*")));
        ivanti().verify(0, putRequestedFor(urlPathMatching("/products.*")));
        Map<String, Object> plan = flowState().getLastPlan();
        assertThat(((Map<String, Object>) ((Map<String, Object>) plan.get("actions")).get("created")).get("count")).isEqualTo(1L);
        assertThat(flowState().total("successful_syncs")).isZero();

    }

    private FlowState flowState() {
        return context.getRegistry().lookupByNameAndType("syncState", SyncState.class).flow("products");
    }

    private long depth(String name) {
        Properties properties = new RabbitAdmin(context.getRegistry().lookupByNameAndType("rabbitConnectionFactory", ConnectionFactory.class))
                .getQueueProperties(name);
        return properties == null ? -1 : ((Number) properties.get(RabbitAdmin.QUEUE_MESSAGE_COUNT)).longValue();
    }
}
