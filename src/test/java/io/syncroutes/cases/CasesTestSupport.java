package io.syncroutes.cases;

import com.mongodb.client.MongoCollection;
import io.syncroutes.SyncRoutesTestSupport;
import io.syncroutes.shared.FlowState;
import io.syncroutes.shared.SyncState;
import io.syncroutes.simulators.IntempusSimulator;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Properties;

/**
 * The cases flow against the project's Intempus simulator (real HTTP) and the embedded MongoDB server. The timer
 * is pushed out of the way: a test runs the sync itself ({@link #sync()}, the route cases-sync-run), so every run is
 * deterministic.
 */
public abstract class CasesTestSupport extends SyncRoutesTestSupport {

    protected static final String USER = "sync-user";
    protected static final String API_KEY = "intempus-api-key-0123456789";
    protected static final String REF = "reference/intempus-cases/";

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(java.time.Duration.ofSeconds(10)).build();

    // created lazily: CamelTestSupport asks for the properties from its constructor
    private IntempusSimulator intempus;

    protected IntempusSimulator intempus() {
        if (intempus == null) {
            intempus = new IntempusSimulator(USER, API_KEY, Duration.ZERO);
            try {
                intempus.start("127.0.0.1", 0);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return intempus;
    }

    @AfterEach
    void stopIntempus() {
        if (intempus != null) {
            intempus.close();
        }
    }

    @Override
    protected Properties properties() {
        Properties props = new Properties();
        props.put("workorders.export.interval-ms", "3600000");
        props.put("intempus.api-uri", intempus().url());
        props.put("intempus.api-user", USER);
        props.put("intempus.api-key", API_KEY);
        props.put("intempus.sync-interval-ms", "3600000");
        props.put("intempus.first-sync-delay-ms", "3600000");
        props.put("intempus.page-size", "10");
        props.put("intempus.retry.delay-ms", "50");
        props.put("intempus.timeout-ms", "2000");
        props.putAll(casesProperties());
        return props;
    }

    protected Properties casesProperties() {
        return new Properties();
    }

    /** Runs one sync (as the timer would) and waits for it to end. */
    protected void sync() {
        template.sendBody("direct:cases-sync-run", null);
    }

    protected MongoCollection<Document> cases() {
        return mongo().getDatabase("tractian").getCollection("cases");
    }

    protected MongoCollection<Document> syncState() {
        return mongo().getDatabase("tractian").getCollection("sync_state");
    }

    protected FlowState flow() {
        return context.getRegistry().lookupByNameAndType("syncState", SyncState.class).flow("cases");
    }

    protected Document local(long id) {
        return cases().find(new Document("_id", id)).first();
    }

    /** An HTTP call to the app: {@code method} (GET, POST, PUT, DELETE), optional JSON body, header pairs. */
    protected static HttpResponse<String> call(String method, String url, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    protected String url(String path) {
        return "http://127.0.0.1:" + httpPort() + path;
    }
}
