package io.syncroutes.unavailabilities;

import io.syncroutes.Http;
import io.syncroutes.LogCapture;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Secrets never show: with DEBUG on for the app and Camel's error handling, through runs with a rejected token, a
 * failing fleet resource and retries, the log (formatted as the app formats it) and /observe/sync hold neither client
 * secret, nor their Basic credentials, nor any token Qargo issued, even when a careless library logs one.
 */
class UnavailabilitiesSecretMaskingTest extends UnavailabilitiesTestSupport {

    private final LogCapture log = new LogCapture("io.syncroutes", "org.apache.camel.processor.errorhandler");

    @BeforeEach
    void captureLog() {
        log.start();
    }

    @AfterEach
    void stopCapture() {
        log.stop();
    }

    @Test
    void noSecretOrTokenInTheLogOrSyncState() throws Exception {
        String master = master().addFleetResource("Alice", "DRIVER", Map.of("employeenumber", "E-1"), null);
        String local = local().addFleetResource("Alice", "DRIVER", Map.of("employeenumber", "E-1"), null);
        master().putUnavailability(master, unavailability(null, "2025-06-01T00:00:00Z", null, "DRIVER_OTHER", null, null));
        runNow();
        master().revokeTokens();
        local().revokeTokens();
        local().failFleetResource(local, 503);
        runNow();

        List<String> tokens = new ArrayList<>();
        mongo().getDatabase("tractian").getCollection("qargo_tokens").find().forEach((Document d) -> tokens.add(d.getString("token")));
        assertThat(tokens).hasSize(2);
        // a careless library logging a token and a secret is masked too
        LoggerFactory.getLogger("some.library").warn("calling with {} and {}", tokens.get(0), LOCAL_SECRET);
        String sync = Http.get("http://127.0.0.1:" + httpPort() + "/observe/sync").body();

        String log = this.log.text();
        assertThat(log).contains("unavailabilities run").contains("answered 503").contains("calling with **** and ****");
        List<String> secrets = new ArrayList<>(List.of(LOCAL_SECRET, MASTER_SECRET,
                Base64.getEncoder().encodeToString(("local-client:" + LOCAL_SECRET).getBytes(StandardCharsets.UTF_8)),
                Base64.getEncoder().encodeToString(("master-client:" + MASTER_SECRET).getBytes(StandardCharsets.UTF_8))));
        secrets.addAll(tokens);
        for (String secret : secrets) {
            assertThat(log).doesNotContain(secret);
            assertThat(sync).doesNotContain(secret);
        }
        assertThat(sync).contains("unavailabilities");
    }
}
