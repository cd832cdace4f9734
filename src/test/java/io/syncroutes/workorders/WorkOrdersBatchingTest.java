package io.syncroutes.workorders;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncroutes.SyncRoutesTestSupport;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import static io.syncroutes.Fixtures.JSON;
import static io.syncroutes.Fixtures.drop;
import static io.syncroutes.Fixtures.readJson;
import static io.syncroutes.Fixtures.workOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Many small files: the files of one poll share bulk writes, each still moves to done only with its records in,
 * a bad file affects only itself, and the newest version of a work order wins within a file, across files and
 * across batches.
 */
class WorkOrdersBatchingTest extends SyncRoutesTestSupport {

    @Override
    protected Properties properties() {
        Properties props = new Properties();
        props.put("workorders.export.interval-ms", "3600000");
        return props;
    }

    @Test
    void smallFilesOfOnePollShareOneBulkWriteAndABadFileAffectsOnlyItself() throws Exception {
        context.getRouteController().stopRoute("workorders-inbound");
        AtomicInteger bulkWrites = new AtomicInteger();
        context.getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.ExchangeSentEvent sent && sent.getEndpoint().getEndpointUri().contains("operation=bulkWrite")) {
                    bulkWrites.incrementAndGet();
                }
            }
        });
        for (int i = 1; i <= 300; i++) {
            drop(dir("inbound"), String.format("wo-%04d.json", i), workOrder(i, "2025-01-01T00:00:00Z").toString());
        }
        drop(dir("inbound"), "wo-0150-broken.json", "{\"orderNo\": 9999, ");
        drop(dir("inbound"), "wo-0151-invalid.json", workOrder(9998, "yesterday").toString());
        context.getRouteController().startRoute("workorders-inbound");

        await().atMost(Duration.ofSeconds(60)).until(() -> count("done") == 301 && count("inbound") == 0);
        assertThat(workorders().countDocuments()).isEqualTo(300);
        assertThat(dir("error").resolve("wo-0150-broken.json")).exists();
        assertThat(readJson(dir("error").resolve("wo-0150-broken.json.error.json")).get("reason").asText()).contains("malformed JSON");
        assertThat(dir("done").resolve("wo-0151-invalid.json")).exists();
        assertThat(dir("error").resolve("wo-0151-invalid.json.rejected.ndjson")).exists();
        assertThat(bulkWrites.get()).as("302 files of one poll, one bulk write").isEqualTo(1);
    }

    @Test
    void newestVersionWinsWithinAFileAcrossFilesAndAcrossBatches() throws Exception {
        context.getRouteController().stopRoute("workorders-inbound");
        // within one file: the newer comes second
        drop(dir("inbound"), "a.json", "[" + workOrder(1, "2025-01-01T00:00:00Z").put("summary", "old") + ","
                + workOrder(1, "2025-03-01T00:00:00Z").put("summary", "newest") + "]");
        // a later file with an older version, and one with the same date (the later one in file order wins)
        drop(dir("inbound"), "b.json", workOrder(1, "2025-02-01T00:00:00Z").put("summary", "older than a").toString());
        drop(dir("inbound"), "c.json", "[" + workOrder(2, "2025-03-01T00:00:00Z").put("summary", "first") + "]");
        drop(dir("inbound"), "d.json", "[" + workOrder(2, "2025-03-01T00:00:00Z").put("summary", "tie, later") + "]");
        context.getRouteController().startRoute("workorders-inbound");
        await().atMost(Duration.ofSeconds(30)).until(() -> count("done") == 4);

        assertThat(title(1)).isEqualTo("newest");
        assertThat(title(2)).isEqualTo("tie, later");
        assertThat(rejected("a.json")).singleElement().satisfies(r -> {
            assertThat(r.get("index").asInt()).isZero();
            assertThat(r.get("reasons").toString()).contains("stale");
        });
        assertThat(rejected("b.json")).singleElement().satisfies(r -> assertThat(r.get("reasons").toString())
                .contains("stale").contains("is older than 2025-03-01T00:00:00Z").contains("a.json"));
        assertThat(rejected("c.json")).singleElement().satisfies(r -> assertThat(r.get("reasons").toString()).contains("stale"));

        // a later batch: an older version is stale against the stored one, a newer one replaces it
        drop(dir("inbound"), "e.json", workOrder(1, "2024-12-31T23:59:59Z").put("summary", "much older").toString());
        drop(dir("inbound"), "f.json", workOrder(2, "2025-04-01T00:00:00+02:00").put("summary", "newer").toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> count("done") == 6);
        assertThat(title(1)).isEqualTo("newest");
        assertThat(title(2)).isEqualTo("newer");
        assertThat(rejected("e.json")).singleElement().satisfies(r -> assertThat(r.get("reasons").toString())
                .contains("older than the stored version"));
        assertThat(workorders().countDocuments()).isEqualTo(2);
    }

    private String title(int number) {
        return workorders().find(new Document("number", number)).first().getString("title");
    }

    private long count(String folder) throws IOException {
        try (var files = Files.list(dir(folder))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json")).count();
        }
    }

    private List<JsonNode> rejected(String name) {
        try {
            return Files.readAllLines(dir("error").resolve(name + ".rejected.ndjson")).stream().map(line -> {
                try {
                    return JSON.readTree(line);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
