package io.syncroutes.resources;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.syncroutes.Http;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Focus password and the tokens Focus issued never show: the log (as the app formats it, DEBUG on for the
 * flow, Camel's error handler and the HTTP client's wire headers) and /observe/sync are searched for them.
 */
class ResourcesSecretMaskingTest extends ResourcesTestSupport {

    @BeforeEach
    void wireHeadersToo() {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("org.apache.hc.client5.http.headers").setLevel(Level.DEBUG);
    }

    @AfterEach
    void wireHeadersOff() {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("org.apache.hc.client5.http.headers").setLevel(null);
    }

    @Test
    void noPasswordNorTokenInTheLogOrSyncState() {
        focus().put("promotions", promotion(id(1), "Promotion 1", 0.1));
        runOnce();
        focus().expireTokens();
        focus().put("promotions", promotion(id(2), "Promotion 2", 0.2));
        runOnce();
        // a library that logs what it should not is masked too
        LoggerFactory.getLogger("some.library").warn("login {} with {}", USER, PASSWORD);

        List<String> secrets = new ArrayList<>(focus().issuedTokens());
        assertThat(secrets).hasSize(2);
        secrets.add(PASSWORD);
        String log = log();
        String sync = Http.get("http://127.0.0.1:" + httpPort() + "/observe/sync").body();
        assertThat(log).as("the capture works").contains("Authorization: ****").contains("login focus-user with ****")
                .contains("Focus promotions (delta): lines=1 created=1");
        assertThat(sync).contains("resources-promotions");
        for (String secret : secrets) {
            assertThat(log).as("log").doesNotContain(secret);
            assertThat(sync).as("/observe/sync").doesNotContain(secret);
        }
    }
}
