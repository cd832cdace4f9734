package io.syncroutes.resources;

import io.syncroutes.Fixtures;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.MongoCollection;
import io.syncroutes.LogCapture;
import io.syncroutes.SyncRoutesTestSupport;
import io.syncroutes.simulators.FocusSimulator;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The resources flow against the project's Focus API simulator over real HTTP, and the embedded MongoDB-compatible
 * server over the wire protocol. Runs are started by the test ({@code direct:resources-run}, as the timer does),
 * the timer itself waits an hour. The app's log is captured as the app formats it (secrets masked).
 */
public abstract class ResourcesTestSupport extends SyncRoutesTestSupport {

    protected static final String USER = "focus-user";
    protected static final String PASSWORD = "f0cus-pa55word-xyz";
    protected static final String BUSINESS_SERVICE = "acme";
    protected static final String COUNTRY = "dk";

    // created lazily: CamelTestSupport asks for the properties from its constructor
    private FocusSimulator focus;
    private final LogCapture log = new LogCapture("io.syncroutes", "org.apache.camel.processor.errorhandler");

    protected FocusSimulator focus() {
        if (focus == null) {
            focus = new FocusSimulator(USER, PASSWORD, BUSINESS_SERVICE, COUNTRY, Duration.ofMinutes(30));
            try {
                focus.start("127.0.0.1", 0);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            setUpResources(focus);
        }
        return focus;
    }

    /** The resources the simulator serves in this test class (default: promotions). */
    protected void setUpResources(FocusSimulator simulator) {
        simulator.promotions("promotions");
    }

    @Override
    protected Properties properties() {
        Properties props = new Properties();
        props.put("workorders.export.interval-ms", "3600000");
        props.put("focus.api-url", focus().url());
        props.put("focus.user", USER);
        props.put("focus.password", PASSWORD);
        props.put("focus.business-service", BUSINESS_SERVICE);
        props.put("focus.country", COUNTRY);
        props.put("focus.batch-size", "2");
        props.put("focus.first-run-delay-ms", "3600000");
        props.put("focus.sync-interval-ms", "3600000");
        props.put("focus.retry.delay-ms", "50");
        props.put("focus.timeout-ms", "5000");
        props.putAll(resourcesProperties());
        return props;
    }

    /** Extra or changed properties of a test class. */
    protected Properties resourcesProperties() {
        return new Properties();
    }

    @BeforeEach
    void captureLog() {
        log.start();
    }

    @AfterEach
    void stopFocusAndCapture() {
        log.stop();
        if (focus != null) {
            focus.close();
        }
    }

    /** Everything logged so far. */
    protected String log() {
        return log.text();
    }

    /** The log lines containing {@code text}. */
    protected List<String> logLines(String text) {
        return log().lines().filter(line -> line.contains(text)).toList();
    }

    /** One run of the flow, as the timer starts it; returns when every resource is done. */
    protected void runOnce() {
        template.requestBody("direct:resources-run", (Object) null);
    }

    protected MongoCollection<Document> collection(String resource) {
        return mongo().getDatabase("tractian").getCollection("focus_" + resource);
    }

    protected Document state(String resource) {
        return mongo().getDatabase("tractian").getCollection("sync_state").find(new Document("_id", "focus_" + resource)).first();
    }

    /** The local rows of a resource as the simulator shows them (without _id, _syncRun and the provenance _sync), sorted by id. */
    protected List<String> localRows(String resource) {
        List<String> rows = new ArrayList<>();
        for (Document doc : collection(resource).find().sort(new Document("_id", 1))) {
            doc.remove("_id");
            doc.remove("_syncRun");
            doc.remove("_sync");
            rows.add(Fixtures.JSON.valueToTree(doc).toString());
        }
        return rows;
    }

    protected List<String> remoteRows(String resource) {
        return focus().rows(resource).stream().map(ObjectNode::toString).toList();
    }

    /**
     * The {@code delta_timestamp} values of the requests of a kind the simulator received, as sent (decoded from the
     * query string; null where there was none), oldest first.
     */
    protected List<String> deltaTimestampsSent(String kind) {
        return focus().queries(kind).stream().map(ResourcesTestSupport::deltaTimestamp).toList();
    }

    /** The {@code delta_timestamp} of a query string, decoded, or null. */
    protected static String deltaTimestamp(String query) {
        for (String parameter : query.split("&")) {
            if (parameter.startsWith("delta_timestamp=")) {
                return URLDecoder.decode(parameter.substring("delta_timestamp=".length()), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** Asserts that a delta_timestamp sent is {@code expected} in the API's one form: UTC, no offset, six fractional digits. */
    protected static void assertSentAs(String sent, Instant expected) {
        assertThat(sent).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}");
        assertThat(LocalDateTime.parse(sent).toInstant(ZoneOffset.UTC)).as(sent).isEqualTo(expected);
    }

    protected static ObjectNode promotion(String id, String name, double discount) {
        ObjectNode row = Fixtures.JSON.createObjectNode().put("id", id).put("name", name).put("discount", discount)
                .put("valid_from", "2025-03-01");
        row.putArray("tags").add("spring");
        return row;
    }

    protected static String id(int n) {
        return String.format("7f1c0c5e-1111-4a1b-9c1d-%012d", n);
    }
}
