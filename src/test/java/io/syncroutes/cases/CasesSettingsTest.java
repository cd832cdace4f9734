package io.syncroutes.cases;

import io.syncroutes.Http;
import io.syncroutes.RunningApp;
import io.syncroutes.SyncRoutesTestSupport;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Start-up: a missing or malformed Intempus setting stops the start naming its variable; with the flow off /case says how to turn it on. */
class CasesSettingsTest {

    @Test
    void missingOrMalformedSettingsStopTheStartNamingTheVariable(@TempDir Path tmp) {
        Map<String, String> base = base(tmp);
        base.put("intempus.api-uri", "http://127.0.0.1:9/web/v1");
        base.put("intempus.api-user", "u");
        base.put("intempus.api-key", "some-key-123");

        Map<String, String> noKey = new HashMap<>(base);
        noKey.put("intempus.api-key", "");
        assertThatThrownBy(() -> RunningApp.start(noKey).stop()).hasStackTraceContaining("INTEMPUS_API_KEY is required");

        Map<String, String> badPage = new HashMap<>(base);
        badPage.put("intempus.page-size", "lots");
        assertThatThrownBy(() -> RunningApp.start(badPage).stop()).hasStackTraceContaining("INTEMPUS_PAGE_SIZE must be a positive whole number");

        Map<String, String> badUri = new HashMap<>(base);
        badUri.put("intempus.api-uri", "intempus.dk/web/v1");
        assertThatThrownBy(() -> RunningApp.start(badUri).stop()).hasStackTraceContaining("INTEMPUS_API_URI must be an http(s) URL");
    }

    @Test
    void withTheFlowOffTheApiAnswers503NamingTheVariables(@TempDir Path tmp) throws Exception {
        Map<String, String> props = base(tmp);
        int port = SyncRoutesTestSupport.freePort();
        props.put("http.port", String.valueOf(port));
        Main app = RunningApp.start(props);
        try {
            var response = Http.get("http://127.0.0.1:" + port + "/case");
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.body()).contains("INTEMPUS_API_URI").contains("\"version\":\"1.0.0\"");
            assertThat(app.getCamelContext().getRoute("cases-sync")).as("no sync route").isNull();
        } finally {
            app.stop();
        }
    }

    private static Map<String, String> base(Path tmp) {
        return RunningApp.embeddedProperties(tmp);
    }
}
