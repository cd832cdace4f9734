package io.syncroutes.cases;

import io.syncroutes.LogCapture;
import ch.qos.logback.classic.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** The Intempus API key never shows: not in the log (DEBUG on), not in /observe/sync, not in an error passed through to a client. */
class CasesSecretMaskingTest extends CasesTestSupport {

    @RegisterExtension
    final LogCapture log = new LogCapture("io.syncroutes", "org.apache.camel.processor.errorhandler");

    @Test
    void apiKeyNeverShows() {
        intempus().generate(3);
        // a careless Intempus that echoes the credentials it got, in a retried page and in an API error
        String echo = "{\"error\": \"rejected ApiKey " + USER + ":" + API_KEY + "\"}";
        intempus().fail("offset=0", 503, "0", 1, echo);
        sync();
        // ... and in a page refused for good: the reason quotes the body
        intempus().fail("offset=0", 400, null, 1, echo);
        sync();
        assertThat(flow().getRecentErrors().get("sync")).contains("Intempus answered 400").contains("rejected ApiKey ****");
        intempus().fail("/case/", 400, null, 1, echo);
        HttpResponse<String> rejected = call("POST", url("/case"), "{\"customer\": \"/web/v1/customer/1/\", \"number\": \"1\", \"name\": \"n\"}");
        intempus().fail("/case/", 200, null, 1, echo);
        HttpResponse<String> odd = call("POST", url("/case"), "{\"customer\": \"/web/v1/customer/1/\", \"number\": \"1\", \"name\": \"n\"}");
        String sync = call("GET", url("/observe/sync"), null).body();
        Logger careless = (Logger) LoggerFactory.getLogger("some.library");
        careless.warn("calling with Authorization: ApiKey {}:{}", USER, API_KEY);

        assertThat(rejected.statusCode()).isEqualTo(400);
        assertThat(rejected.body()).contains("****");
        assertThat(odd.statusCode()).isEqualTo(500);
        String log = this.log.text();
        assertThat(log).as("the capture works").contains("cases full sync").contains("calling with");
        for (String text : new String[] {log, sync, rejected.body(), odd.body()}) {
            assertThat(text).doesNotContain(API_KEY);
        }
        assertThat(cases().countDocuments()).isEqualTo(3);
    }
}
