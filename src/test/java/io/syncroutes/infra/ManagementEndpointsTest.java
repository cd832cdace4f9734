package io.syncroutes.infra;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncroutes.Http;
import io.syncroutes.SyncRoutesTestSupport;
import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.time.Duration;
import java.util.Collections;
import java.util.Optional;

import static io.syncroutes.Fixtures.JSON;
import static io.syncroutes.Fixtures.drop;
import static io.syncroutes.Fixtures.workOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/** /observe/health, /observe/metrics, /observe/sync and Jolokia as an operator (and Hawtio) use them, over HTTP. */
class ManagementEndpointsTest extends SyncRoutesTestSupport {

    @Test
    void healthIsUpAndReadyWhenRoutesRunAndMongoDbAnswers() {
        // the file consumer reports ready after its first poll
        await().atMost(Duration.ofSeconds(10)).until(() -> Http.get(url("/observe/health")).body().contains("\"status\":\"UP\""));
        assertThat(Http.get(url("/observe/health/ready")).statusCode()).isEqualTo(200);
        assertThat(Http.get(url("/observe/health/live")).statusCode()).isEqualTo(200);
    }

    @Test
    void metricsAndSyncStateShowTheRunsOfEachFlow() throws Exception {
        drop(dir("inbound"), "orders.json", "[" + workOrder(1, "2025-01-01T00:00:00Z") + "," + workOrder(2, "2025-01-01T00:00:00Z") + "]");
        await().atMost(Duration.ofSeconds(20)).until(() -> dir("outbound").resolve("workorder_2.json").toFile().exists());

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String metrics = Http.get(url("/observe/metrics")).body();
            assertThat(metrics).contains("sync_records_total{counter=\"upserted\",flow=\"workorders-inbound\"} 2.0");
            assertThat(metrics).contains("sync_records_total{counter=\"marked\",flow=\"workorders-export\"} 2.0");
            assertThat(metrics).contains("sync_lag{flow=\"workorders-export\"} 0.0");
            // workorders-inbound (one exchange per file) is not timed exchange by exchange: its batches are
            assertThat(metrics).contains("camel_exchanges_total").contains("routeId=\"workorders-write-batch\"")
                    .doesNotContain("routeId=\"workorders-inbound\"");
        });

        JsonNode flows = JSON.readTree(Http.get(url("/observe/sync")).body()).get("flows");
        JsonNode inbound = flows.get("workorders-inbound");
        assertThat(inbound.get("mode").asText()).startsWith("poll ");
        assertThat(inbound.get("lastRunAt").asText()).isNotBlank();
        assertThat(inbound.get("lastRun").asText()).contains("orders.json: read=2 upserted=2");
        assertThat(inbound.get("totals").get("read").asLong()).isEqualTo(2);
        // the lag is computed in the background (never on the request thread) and served with its age
        assertThat(inbound.get("lagAgeMs").asLong()).isBetween(0L, 5_000L);
        await().atMost(Duration.ofSeconds(5)).until(() ->
                JSON.readTree(Http.get(url("/observe/sync")).body()).at("/flows/workorders-inbound/lag").asLong() == 0);
        assertThat(flows.get("workorders-export").get("totals").get("exported").asLong()).isEqualTo(2);
        assertThat(flows.has("products")).as("products flow is off without IVANTI_API_URL").isFalse();
    }

    @Test
    void jolokiaReadsAndRunsCamelOperationsButRefusesOtherWrites() throws Exception {
        JsonNode routes = JSON.readTree(Http.post(url("/observe/jolokia/"),
                "{\"type\":\"search\",\"mbean\":\"org.apache.camel:type=routes,*\"}").body()).get("value");
        String inboundRoute = null;
        String exportRoute = null;
        for (JsonNode name : routes) {
            inboundRoute = name.asText().contains("\"workorders-inbound\"") ? name.asText() : inboundRoute;
            exportRoute = name.asText().contains("\"workorders-export\"") ? name.asText() : exportRoute;
        }
        JsonNode read = JSON.readTree(Http.post(url("/observe/jolokia/"), JSON.createObjectNode()
                .put("type", "read").put("mbean", inboundRoute).put("attribute", "State").toString()).body());
        assertThat(read.get("status").asInt()).as(read.toString()).isEqualTo(200);
        assertThat(read.get("value").asText()).isEqualTo("Started");

        JsonNode syncState = JSON.readTree(Http.get(url("/observe/jolokia/read/io.syncroutes:type=SyncState,flow=workorders-inbound/Mode")).body());
        assertThat(syncState.get("value").asText()).as(syncState.toString()).startsWith("poll ");

        JsonNode camelExec = JSON.readTree(Http.post(url("/observe/jolokia/"), JSON.createObjectNode()
                .put("type", "exec").put("mbean", exportRoute).put("operation", "dumpRouteAsXml()").toString()).body());
        assertThat(camelExec.get("status").asInt()).as(camelExec.toString()).isEqualTo(200);
        assertThat(camelExec.get("value").asText()).contains("workorders-export");

        JsonNode write = JSON.readTree(Http.post(url("/observe/jolokia/"),
                "{\"type\":\"write\",\"mbean\":\"java.lang:type=Memory\",\"attribute\":\"Verbose\",\"value\":true}").body());
        assertThat(write.get("status").asInt()).isEqualTo(403);
        JsonNode gc = JSON.readTree(Http.post(url("/observe/jolokia/"),
                "{\"type\":\"exec\",\"mbean\":\"java.lang:type=Memory\",\"operation\":\"gc\"}").body());
        assertThat(gc.get("status").asInt()).isEqualTo(403);
        JsonNode diagnostic = JSON.readTree(Http.post(url("/observe/jolokia/"),
                "{\"type\":\"exec\",\"mbean\":\"com.sun.management:type=HotSpotDiagnostic\",\"operation\":\"dumpHeap\",\"arguments\":[\"/tmp/x.hprof\",true]}").body());
        assertThat(diagnostic.get("status").asInt()).isEqualTo(403);
    }

    @Test
    void withoutCredentialsConfiguredOnlyLoopbackClientsGetJolokiaAndSyncState() throws Exception {
        Optional<InetAddress> external = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .filter(ni -> { try { return ni.isUp() && !ni.isLoopback(); } catch (Exception e) { return false; } })
                .flatMap(ni -> Collections.list(ni.getInetAddresses()).stream())
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress()).findFirst();
        assumeThat(external).as("a non-loopback address to call from").isPresent();
        String base = "http://" + external.get().getHostAddress() + ":" + httpPort();

        assertThat(Http.get(base + "/observe/jolokia/version").statusCode()).isEqualTo(403);
        assertThat(Http.get(base + "/observe/sync").statusCode()).isEqualTo(403);
        assertThat(Http.get(base + "/observe/health").statusCode()).as("health stays open").isNotIn(401, 403);
        assertThat(Http.get(url("/observe/jolokia/version")).statusCode()).isEqualTo(200);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + httpPort() + path;
    }

}
