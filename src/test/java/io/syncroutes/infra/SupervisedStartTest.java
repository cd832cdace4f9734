package io.syncroutes.infra;

import io.syncroutes.Http;
import io.syncroutes.SyncRoutesTestSupport;
import org.apache.camel.ServiceStatus;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A flow whose endpoint cannot start (its inbound folder cannot be created) is retried with backoff by the
 * supervising route controller and reported not ready, while the other flows run.
 */
class SupervisedStartTest extends SyncRoutesTestSupport {

    @Override
    protected Properties properties() {
        Properties props = new Properties();
        props.put("workorders.inbound.dir", "/proc/sync-routes-cannot-create/inbound");
        return props;
    }

    @Test
    void aRouteThatCannotStartMakesTheAppNotReadyWhileTheOthersRun() throws Exception {
        String ready = "http://127.0.0.1:" + httpPort() + "/observe/health/ready";
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(Http.get(ready).statusCode()).isEqualTo(503);
            assertThat(Http.get(ready + "?exposureLevel=full").body()).contains("Route workorders-inbound has status Stopped");
        });
        assertThat(context.getRouteController().getRouteStatus("workorders-inbound")).isNotEqualTo(ServiceStatus.Started);
        assertThat(Http.get("http://127.0.0.1:" + httpPort() + "/observe/health/live").statusCode()).isEqualTo(200);

        workorders().insertOne(new Document(Document.parse(io.syncroutes.Fixtures.text(
                "reference/tracos-workorders/tracos_doc_translator_test_42.extjson.json"))));
        await().atMost(Duration.ofSeconds(20)).until(() -> dir("outbound").resolve("workorder_42.json").toFile().exists());
    }
}
