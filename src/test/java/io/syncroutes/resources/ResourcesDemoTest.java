package io.syncroutes.resources;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncroutes.Http;
import io.syncroutes.SyncRoutesTestSupport;
import io.syncroutes.simulators.FocusSimulator;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Properties;

import static io.syncroutes.Fixtures.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Demo mode: the Focus simulator's promotions keep changing and the resources flow keeps the mirror in step. */
class ResourcesDemoTest extends SyncRoutesTestSupport {

    @Override
    protected Properties properties() {
        Properties props = new Properties();
        props.put("sync.demo", "true");
        props.put("demo.focus.period-ms", "100");
        props.put("demo.focus.sync-interval-ms", "500");
        props.put("focus.first-run-delay-ms", "200");
        props.put("rabbitmq.host", "");
        props.put("rabbitmq.embedded.port", String.valueOf(freePort()));
        props.put("rabbitmq.embedded.store", "memory");
        props.put("rabbitmq.embedded.dir", dir("amqp").toString());
        props.put("products.queue", "demo_products");
        return props;
    }

    @Test
    void theMirrorFollowsTheChangingPromotions() {
        JsonNode first = await().atMost(Duration.ofSeconds(30)).until(this::promotions,
                p -> p.at("/totals/lines").asLong() > 0 && p.at("/lastRun").asText().contains("(delta)"));
        await().atMost(Duration.ofSeconds(30)).until(this::promotions,
                p -> p.at("/totals/lines").asLong() > first.at("/totals/lines").asLong());
        FocusSimulator focus = context.getRegistry().lookupByNameAndType("focusSimulator", FocusSimulator.class);
        assertThat(focus.requests("created")).isPositive();
        assertThat(mongo().getDatabase("tractian").getCollection("focus_promotions").countDocuments()).isPositive();
    }

    private JsonNode promotions() throws Exception {
        return JSON.readTree(Http.get("http://127.0.0.1:" + httpPort() + "/observe/sync").body()).at("/flows/resources-promotions");
    }
}
