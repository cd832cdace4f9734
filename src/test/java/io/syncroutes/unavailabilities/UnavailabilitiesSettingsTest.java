package io.syncroutes.unavailabilities;

import io.syncroutes.RunningApp;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Start-up checks: QARGO_CLIENT_ID set but a credential missing stops the start with one message naming the
 * variable; an unknown match strategy, an API URL that is not http(s) or a negative retry count likewise; without
 * QARGO_CLIENT_ID the flow's routes do not exist.
 */
class UnavailabilitiesSettingsTest {

    @TempDir
    Path tmp;
    private Main app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop();
        }
    }

    @Test
    void aMissingCredentialIsNamed() {
        Map<String, String> props = base();
        props.put("qargo.client-id", "local-client");
        props.put("qargo.client-secret", "local-secret");
        props.put("qargo.master.client-id", "master-client");
        assertThatThrownBy(() -> app = RunningApp.start(props))
                .hasStackTraceContaining("QARGO_CLIENT_ID is set, so QARGO_MASTER_CLIENT_SECRET is required");

        props.put("qargo.master.client-secret", "master-secret");
        props.put("qargo.match-strategies", "custom-field,plate");
        assertThatThrownBy(() -> app = RunningApp.start(props))
                .hasStackTraceContaining("QARGO_MATCH_STRATEGIES: unknown strategy 'plate'");
    }

    @Test
    void anUnusableUrlOrRetryCountIsNamed() {
        Map<String, String> props = base();
        props.putAll(Map.of("qargo.client-id", "local-client", "qargo.client-secret", "local-secret",
                "qargo.master.client-id", "master-client", "qargo.master.client-secret", "master-secret"));
        props.put("qargo.master.api-url", "api.qargo.io/v1");
        assertThatThrownBy(() -> app = RunningApp.start(props))
                .hasStackTraceContaining("QARGO_MASTER_API_URL must start with http:// or https://, not 'api.qargo.io/v1'");

        props.put("qargo.master.api-url", "");
        props.put("qargo.retry.max-retries", "-1");
        assertThatThrownBy(() -> app = RunningApp.start(props))
                .hasStackTraceContaining("QARGO_MAX_RETRIES must be a whole number >= 0, not '-1'");
    }

    @Test
    void offWithoutClientId() throws Exception {
        app = RunningApp.start(base());
        assertThat(app.getCamelContext().getRoute("unavailabilities-run")).isNull();
        assertThat(app.getCamelContext().getRoute("workorders-export")).isNotNull();
    }

    private Map<String, String> base() {
        Map<String, String> props = new HashMap<>();
        props.put("http.port", "0");
        props.put("mongo.uri", "");
        props.put("mongo.embedded.backend", "memory");
        props.put("mongo.embedded.port", "0");
        props.put("qargo.client-id", "");
        for (String dir : new String[] {"inbound", "done", "error", "outbound"}) {
            props.put("workorders." + dir + ".dir", tmp.resolve(dir).toString());
        }
        props.put("camel.main.shutdown-timeout", "2");
        return props;
    }
}
