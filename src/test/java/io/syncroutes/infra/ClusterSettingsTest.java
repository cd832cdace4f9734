package io.syncroutes.infra;

import io.syncroutes.Http;
import io.syncroutes.RunningApp;
import io.syncroutes.SyncRoutesTestSupport;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.component.kubernetes.cluster.KubernetesClusterService;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * CLUSTER_SERVICE at start: bad settings stop the start naming the variable; {@code none} leads everything with no
 * cluster service; {@code kubernetes} with no reachable API server never leads, its polled routes stay idle and the
 * instance is still ready.
 */
class ClusterSettingsTest {

    @Test
    void badClusterSettingsStopTheStartNamingTheVariable(@TempDir Path tmp) {
        Map<String, String> unknown = base(tmp);
        unknown.put("cluster.service", "zookeeper");
        assertThatThrownBy(() -> RunningApp.start(unknown).stop()).hasStackTraceContaining("CLUSTER_SERVICE must be none, file or kubernetes, not 'zookeeper'");

        Map<String, String> noRoot = base(tmp);
        noRoot.put("cluster.service", "file");
        assertThatThrownBy(() -> RunningApp.start(noRoot).stop()).hasStackTraceContaining("CLUSTER_SERVICE=file needs CLUSTER_FILE_ROOT");

        Map<String, String> shortTimeout = base(tmp);
        shortTimeout.put("cluster.service", "file");
        shortTimeout.put("cluster.file.root", tmp.resolve("cluster").toString());
        shortTimeout.put("cluster.leader-timeout-ms", "3000");
        assertThatThrownBy(() -> RunningApp.start(shortTimeout).stop())
                .hasStackTraceContaining("CLUSTER_LEADER_TIMEOUT_MS (3000) must be at least twice CLUSTER_CHECK_INTERVAL_MS (2000)");
    }

    @Test
    void oneInstanceLeadsEveryNamespaceWithoutAClusterService(@TempDir Path tmp) throws Exception {
        Map<String, String> props = base(tmp);
        Main app = RunningApp.start(props);
        try {
            assertThat(app.getCamelContext().hasServices(CamelClusterService.class)).isEmpty();
            assertThat(app.getCamelContext().getRoute("workorders-inbound").getEndpoint().getEndpointUri()).startsWith("file:");
            String sync = Http.get(url(props, "/observe/sync")).body();
            assertThat(sync).contains("\"leads\":{\"workorders-inbound\":true}").contains("\"leads\":{\"workorders-export\":true}");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Http.get(url(props, "/observe/metrics")).body())
                    .contains("sync_leader{flow=\"workorders-inbound\",namespace=\"workorders-inbound\"} 1.0"));
        } finally {
            app.stop();
        }
    }

    @Test
    void kubernetesWithoutAnApiServerNeverLeadsAndStaysReady(@TempDir Path tmp) throws Exception {
        Map<String, String> props = base(tmp);
        props.put("cluster.service", "kubernetes");
        props.put("cluster.kubernetes.namespace", "sync");
        props.put("cluster.kubernetes.pod", "sync-routes-0");
        props.put("cluster.check-interval-ms", "1000");
        props.put("cluster.leader-timeout-ms", "6000");
        // an API server that refuses connections
        System.setProperty("kubernetes.master", "http://127.0.0.1:" + SyncRoutesTestSupport.freePort());
        Main app = null;
        try {
            app = RunningApp.start(props);
            KubernetesClusterService service = app.getCamelContext().hasService(KubernetesClusterService.class);
            assertThat(service).isNotNull();
            assertThat(service.getLeaseDurationMillis()).isEqualTo(6000);
            assertThat(service.getRetryPeriodMillis()).isEqualTo(1000);
            assertThat(service.getKubernetesResourceName()).isEqualTo("sync-routes");
            assertThat(service.getPodName()).isEqualTo("sync-routes-0");
            await().atMost(Duration.ofSeconds(60)).until(() -> Http.get(url(props, "/observe/health/ready")).statusCode() == 200);
            Thread.sleep(3_000);
            String sync = Http.get(url(props, "/observe/sync")).body();
            assertThat(sync).contains("\"leads\":{\"workorders-inbound\":false}");
            // a file dropped is left alone: no instance leads the inbound folder
            java.nio.file.Files.writeString(tmp.resolve("inbound").resolve("w.json"), "{}");
            Thread.sleep(3_000);
            assertThat(tmp.resolve("inbound").resolve("w.json")).exists();
        } finally {
            System.clearProperty("kubernetes.master");
            if (app != null) {
                app.stop();
            }
        }
    }

    private static String url(Map<String, String> props, String path) {
        return "http://127.0.0.1:" + props.get("http.port") + path;
    }

    private static Map<String, String> base(Path tmp) {
        return RunningApp.embeddedProperties(tmp);
    }
}
