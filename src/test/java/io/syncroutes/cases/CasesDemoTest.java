package io.syncroutes.cases;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncroutes.Http;
import io.syncroutes.SyncRoutesTestSupport;
import io.syncroutes.simulators.IntempusSimulator;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Properties;

import static io.syncroutes.Fixtures.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** In demo mode the cases flow runs against the Intempus simulator, whose cases change over time: deltas keep picking them up. */
class CasesDemoTest extends SyncRoutesTestSupport {

    @Override
    protected Properties properties() {
        Properties props = new Properties();
        props.put("sync.demo", "true");
        props.put("rabbitmq.host", "");
        props.put("rabbitmq.embedded.port", String.valueOf(freePort()));
        props.put("rabbitmq.embedded.store", "memory");
        props.put("rabbitmq.embedded.dir", dir("amqp").toString());
        props.put("products.queue", "demo_products_cases");
        props.put("demo.intempus.churn-ms", "200");
        props.put("demo.intempus.sync-interval-ms", "300");
        props.put("intempus.first-sync-delay-ms", "100");
        return props;
    }

    @Test
    void casesFlowMirrorsTheChangingSimulator() {
        JsonNode cases = await().atMost(Duration.ofSeconds(30)).until(this::casesState, c ->
                c.at("/totals/inserted").asLong() >= 50 && c.at("/totals/updated").asLong() > 0
                        && c.at("/lastRun").asText().startsWith("cases delta sync"));
        // the lag is computed in the background (SYNC_LAG_REFRESH_MS) and served from its last value
        await().atMost(Duration.ofSeconds(5)).until(() -> casesState().at("/lag").asLong(), lag -> lag >= 0 && lag <= 5);
        IntempusSimulator intempus = context.getRegistry().lookupByNameAndType("intempusSimulator", IntempusSimulator.class);
        assertThat(intempus.pageRequests()).isPositive();
        assertThat(context.getRouteController().getRouteStatus("cases-sync").isStarted()).isTrue();
    }

    private JsonNode casesState() throws Exception {
        return JSON.readTree(Http.get("http://127.0.0.1:" + httpPort() + "/observe/sync").body()).at("/flows/cases");
    }
}
