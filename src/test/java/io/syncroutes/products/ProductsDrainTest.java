package io.syncroutes.products;

import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Properties;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.syncroutes.Fixtures.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Drain mode: nothing is consumed between runs; on the cron, what is queued is processed and consumption stops again. */
class ProductsDrainTest extends ProductsTestSupport {

    @Override
    protected Properties productProperties() {
        Properties props = new Properties();
        props.put("products.mode", "drain");
        props.put("products.drain.cron", "0/4 * * * * ?");
        return props;
    }

    @Test
    void queuedProductsAreProcessedOnTheCronAndConsumptionStops() {
        ivanti().stubFor(get(urlPathMatching("/products/.*")).willReturn(aResponse().withStatus(200)));
        ivanti().stubFor(put(urlPathMatching("/products/.*")).willReturn(aResponse().withStatus(200)));
        // between drains the consumer is stopped (a drain with nothing queued still runs ~2 s of every 4 s)
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(context.getRouteController().getRouteStatus("products-sync")).isEqualTo(ServiceStatus.Stopped));
        assertThat(context.getRoute("products-stats")).as("no interval stats in drain mode").isNull();

        String sample = text(REF + "rabbitmq_message_sample_rabbitmq_message.json");
        for (int i = 0; i < 30; i++) {
            publish(sample.replace("P12345", "P" + i));
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> ivanti().verify(30, putRequestedFor(urlPathMatching("/products/.*"))));
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(context.getRouteController().getRouteStatus("products-sync")).isEqualTo(ServiceStatus.Stopped));
        ProductQueues queues = context.getRegistry().lookupByNameAndType("productQueues", ProductQueues.class);
        assertThat(queues.depth()).isZero();
    }
}
