package io.syncroutes.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncroutes.Http;
import io.syncroutes.SyncRoutesTestSupport;
import io.syncroutes.simulators.IvantiSimulator;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Properties;

import static io.syncroutes.Fixtures.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Demo mode on one machine with nothing installed: every flow reaches a steady state with its counters moving. */
class DemoModeTest extends SyncRoutesTestSupport {

    @Override
    protected Properties properties() {
        Properties props = new Properties();
        props.put("sync.demo", "true");
        props.put("demo.workorders.period-ms", "300");
        props.put("demo.products.period-ms", "50");
        props.put("workorders.export.interval-ms", "300");
        props.put("rabbitmq.host", "");
        props.put("rabbitmq.embedded.port", String.valueOf(freePort()));
        props.put("rabbitmq.embedded.store", "memory");
        props.put("rabbitmq.embedded.dir", dir("amqp").toString());
        props.put("products.queue", "demo_products");
        props.put("ivanti.retry.delay-ms", "100");
        props.put("demo.qargo.sync-interval-ms", "1000");
        props.put("demo.qargo.change-period-ms", "500");
        return props;
    }

    @Test
    void everyFlowKeepsMoving() throws Exception {
        JsonNode first = await().atMost(Duration.ofSeconds(40)).until(this::totals, t ->
                t.at("/workorders-inbound/totals/upserted").asLong() > 0
                        && t.at("/workorders-inbound/totals/rejected").asLong() > 0
                        && t.at("/workorders-export/totals/marked").asLong() > 0
                        && t.at("/products/totals/successful_syncs").asLong() > 0
                        && t.at("/products/totals/failed_syncs").asLong() > 0
                        && t.at("/unavailabilities/totals/created").asLong() > 0);

        JsonNode later = await().atMost(Duration.ofSeconds(30)).until(this::totals, t ->
                t.at("/workorders-inbound/totals/upserted").asLong() > first.at("/workorders-inbound/totals/upserted").asLong()
                        && t.at("/workorders-export/totals/marked").asLong() > first.at("/workorders-export/totals/marked").asLong()
                        && t.at("/products/totals/successful_syncs").asLong() > first.at("/products/totals/successful_syncs").asLong()
                        && t.at("/unavailabilities/totals/matched").asLong() > first.at("/unavailabilities/totals/matched").asLong()
                        && t.at("/unavailabilities/totals/created").asLong() > first.at("/unavailabilities/totals/created").asLong());
        assertThat(later.at("/products/lag").asLong()).as("the queue keeps up").isLessThan(100);

        IvantiSimulator ivanti = context.getRegistry().lookupByNameAndType("ivantiSimulator", IvantiSimulator.class);
        assertThat(ivanti.writes()).isPositive();
        assertThat(ivanti.tokenRequests()).as("one token for all").isEqualTo(1);
    }

    private JsonNode totals() throws Exception {
        return JSON.readTree(Http.get("http://127.0.0.1:" + httpPort() + "/observe/sync").body()).get("flows");
    }
}
