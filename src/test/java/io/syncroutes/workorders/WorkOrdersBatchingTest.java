package io.syncroutes.workorders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.mongodb.client.model.IndexOptions;
import io.syncroutes.LogCapture;
import io.syncroutes.SyncRoutesTestSupport;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
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
        // batches of 500 files (and records), so that a backlog takes several batches and polls
        props.put("workorders.batch-size", "500");
        return props;
    }

    @Test
    void smallFilesOfOnePollShareOneBulkWriteAndABadFileAffectsOnlyItself() throws Exception {
        context.getRouteController().stopRoute("workorders-inbound");
        AtomicInteger bulkWrites = onBulkWrite(written -> { });
        for (int i = 1; i <= 300; i++) {
            drop(dir("inbound"), String.format("wo-%04d.json", i), workOrder(i, "2025-01-01T00:00:00Z").toString());
        }
        drop(dir("inbound"), "wo-0150-broken.json", "{\"orderNo\": 9999, ]");
        drop(dir("inbound"), "wo-0151-invalid.json", workOrder(9998, "yesterday").toString());
        // files younger than a second are left for a later poll
        Thread.sleep(1100);
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
    void batchesOfOnePollWriteInNameOrder() throws Exception {
        context.getRouteController().stopRoute("workorders-inbound");
        // 1,000 files, 2 batches of 500; the first batch's first file holds 1,000 other records before its versions
        // of work orders 1 and 2, so a second batch processed beside it would be ready to write long before: it
        // must write after (fails if batches ran in parallel unordered). Its tie on 1 then wins (the later name),
        // its older version of 2 is stale.
        ArrayNode first = JSON.createArrayNode();
        for (int i = 0; i < 1_000; i++) {
            first.add(workOrder(10_000 + i, "2025-01-01T00:00:00Z"));
        }
        first.add(workOrder(1, "2025-03-01T00:00:00Z").put("summary", "first batch"));
        first.add(workOrder(2, "2025-03-01T00:00:00Z").put("summary", "first batch, newer"));
        drop(dir("inbound"), "a-0000.json", first.toString());
        for (int i = 1; i < 999; i++) {
            drop(dir("inbound"), String.format("m-%04d.json", i), workOrder(100 + i, "2025-01-01T00:00:00Z").toString());
        }
        drop(dir("inbound"), "z-9999.json", "[" + workOrder(1, "2025-03-01T00:00:00Z").put("summary", "last batch, tie") + ","
                + workOrder(2, "2025-02-01T00:00:00Z").put("summary", "last batch, older") + "]");
        Thread.sleep(1100);
        context.getRouteController().startRoute("workorders-inbound");
        await().atMost(Duration.ofSeconds(120)).until(() -> count("done") == 1_000);

        assertThat(title(1)).isEqualTo("last batch, tie");
        assertThat(title(2)).isEqualTo("first batch, newer");
        assertThat(rejected("z-9999.json")).singleElement().satisfies(r -> assertThat(r.get("reasons").toString())
                .contains("older than the stored version"));
        assertThat(workorders().countDocuments()).isEqualTo(1_000 + 998 + 2);
    }

    @Test
    void aBacklogOfSmallFilesIsImportedOnceEachWhilePollsOverlapTheirBatches() throws Exception {
        // 4,000 files: 8 batches of 500; the polls that come while the batches are written list files already
        // read: each file must still be imported exactly once
        for (int i = 1; i <= 4_000; i++) {
            drop(dir("inbound"), String.format("wo-%05d.json", i), workOrder(i, "2025-01-01T00:00:00Z").toString());
        }
        await().atMost(Duration.ofSeconds(120)).until(() -> count("done") == 4_000);
        assertThat(count("inbound")).isZero();
        assertThat(count("error")).as("files sent to the error folder").isZero();
        assertThat(workorders().countDocuments()).isEqualTo(4_000);
    }

    @Test
    void filesBeyondTheReadAheadBudgetAreStreamedByTheirBatchAndTheBudgetIsGivenBack() throws Exception {
        context.getRouteController().stopRoute("workorders-inbound");
        // 700 files of 60 work orders (under the 16 KB read ahead, 700 x ~14 KB over the 8 MB waiting at most): the
        // first ones are read ahead, the later ones (while the first batch is written) streamed by their batch; a
        // later file's version wins either way
        int n = 0;
        for (int f = 0; f < 700; f++) {
            ArrayNode records = JSON.createArrayNode();
            for (int i = 0; i < 60; i++) {
                records.add(workOrder(++n, "2025-01-01T00:00:00Z").put("summary", "file " + f));
            }
            if (f == 699) {
                records.add(workOrder(1, "2025-01-01T00:00:00Z").put("summary", "last file, tie"));
            }
            drop(dir("inbound"), String.format("wo-%04d.json", f), records.toString());
        }
        long size = Files.size(dir("inbound").resolve("wo-0000.json"));
        assertThat(size).isBetween(8L * 1024, InboundFiles.READ_AHEAD_MAX_FILE_BYTES);
        assertThat(700 * size).isGreaterThan(InboundFiles.READ_AHEAD_BUDGET_BYTES);
        Thread.sleep(1100);
        context.getRouteController().startRoute("workorders-inbound");

        await().atMost(Duration.ofSeconds(120)).until(() -> count("done") == 700);
        assertThat(count("error")).isZero();
        assertThat(workorders().countDocuments()).isEqualTo(42_000);
        assertThat(title(1)).isEqualTo("last file, tie");
        assertThat(title(42_000)).isEqualTo("file 699");
        WorkOrderImport importer = context.getRegistry().lookupByNameAndType("workOrderImport", WorkOrderImport.class);
        assertThat(importer.readAheadBytes()).as("bytes of files read ahead still held").isZero();
    }

    @Test
    void aRouteForcedToStopWhileABatchIsWrittenLeavesItsFilesInTheInboundFolder() throws Exception {
        context.getRouteController().stopRoute("workorders-inbound");
        AtomicInteger bulkWrites = onBulkWrite(written -> {
            if (written == 1) {
                // stopped with (almost) no grace period, while the batch's next bulk writes are pending: the file
                // route, then the route writing its batch (deferred to the end of a shutdown, as here)
                new Thread(() -> {
                    try {
                        context.getRouteController().stopRoute("workorders-inbound", 1, TimeUnit.MILLISECONDS);
                        context.getRouteController().stopRoute("workorders-write-batch", 1, TimeUnit.MILLISECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }).start();
            }
        });
        for (int file = 0; file < 10; file++) {
            ArrayNode records = JSON.createArrayNode();
            for (int i = 1; i <= 1_000; i++) {
                records.add(workOrder(file * 1_000 + i, "2025-01-01T00:00:00Z"));
            }
            drop(dir("inbound"), String.format("big-%02d.json", file), records.toString());
        }
        Thread.sleep(1100);
        LogCapture log = new LogCapture().start();
        try {
            context.getRouteController().startRoute("workorders-inbound");
            await().atMost(Duration.ofSeconds(30)).until(() -> bulkWrites.get() >= 1
                    && context.getRouteController().getRouteStatus("workorders-inbound").isStopped());
            await().atMost(Duration.ofSeconds(10)).until(() -> log.text().contains("stay in the inbound folder"));
        } finally {
            log.stop();
        }
        assertThat(count("inbound")).as("files left in the inbound folder").isEqualTo(10);
        assertThat(count("done")).isZero();
        assertThat(count("error")).isZero();
        assertThat(log.text()).doesNotContain("ERROR").doesNotContain("RejectedExecutionException");

        // the next start imports them all
        context.getRouteController().startRoute("workorders-write-batch");
        context.getRouteController().startRoute("workorders-inbound");
        await().atMost(Duration.ofSeconds(60)).until(() -> count("done") == 10);
        assertThat(workorders().countDocuments()).isEqualTo(10_000);
    }

    @Test
    void aRecordMongoDbRefusesAffectsOnlyItselfAndIsKeptWithTheReason() throws Exception {
        context.getRouteController().stopRoute("workorders-inbound");
        // another unique index (set up by someone else): the second work order with the same summary is refused
        workorders().createIndex(new Document("title", 1), new IndexOptions().unique(true).name("title_unique"));
        drop(dir("inbound"), "refused.json", "[" + workOrder(1, "2025-01-01T00:00:00Z").put("summary", "same") + ","
                + workOrder(2, "2025-01-01T00:00:00Z").put("summary", "same") + ","
                + workOrder(3, "2025-01-01T00:00:00Z").put("summary", "other") + "]");
        Thread.sleep(1100);
        context.getRouteController().startRoute("workorders-inbound");
        await().atMost(Duration.ofSeconds(30)).until(() -> count("done") == 1);

        assertThat(workorders().countDocuments()).isEqualTo(2);
        assertThat(rejected("refused.json")).singleElement().satisfies(r -> {
            assertThat(r.get("index").asInt()).isEqualTo(1);
            assertThat(r.get("reasons").toString()).contains("refused by MongoDB (code 11000)");
        });
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
        Thread.sleep(1100);
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

    @Test
    void storedVersionsAreQueriedAllAtOnceWhileWorkOrdersAreNewAndInQueriesOf100WhileTheyAreFound() throws Exception {
        context.getRouteController().stopRoute("workorders-inbound");
        // the route's queries (none while the reader thread reads every bulk write's ahead) and those read ahead
        // with the records
        AtomicInteger routeQueries = onRouteQuery();
        AtomicInteger aheadQueries = new AtomicInteger();
        importer().readStoredVersionsAheadWith(query -> {
            aheadQueries.incrementAndGet();
            return storedVersions(query);
        });
        // 2,000 new work orders, four bulk writes of 500: the first one knows nothing yet (5 queries of 100), nor
        // the second, read while the first is written (5); the next two follow one that found none of its work
        // orders stored (1 query each)
        drop(dir("inbound"), "new.json", workOrders(2_000, "2025-01-01T00:00:00Z"));
        Thread.sleep(1100);
        context.getRouteController().startRoute("workorders-inbound");
        await().atMost(Duration.ofSeconds(30)).until(() -> count("done") == 1);
        assertThat(aheadQueries.get()).as("queries read ahead").isEqualTo(5 + 5 + 1 + 1);
        assertThat(routeQueries.get()).as("queries of the route").isZero();

        // the same 2,000, newer: the first write is queried at once (the last one found nothing), and so is the
        // second, read while the first is written; the first found all 500, so the next two go by 100 again; every
        // one is replaced
        routeQueries.set(0);
        aheadQueries.set(0);
        drop(dir("inbound"), "again.json", workOrders(2_000, "2025-02-01T00:00:00Z"));
        await().atMost(Duration.ofSeconds(30)).until(() -> count("done") == 2);
        assertThat(aheadQueries.get()).as("queries read ahead").isEqualTo(1 + 1 + 5 + 5);
        assertThat(routeQueries.get()).as("queries of the route").isZero();
        assertThat(workorders().countDocuments(new Document("updatedAt", java.util.Date.from(java.time.Instant.parse("2025-02-01T00:00:00Z")))))
                .isEqualTo(2_000);
        assertThat(dir("error").resolve("again.json.rejected.ndjson")).doesNotExist();
    }

    @Test
    void storedVersionsReadWhileTheBulkWriteBeforeIsWrittenStillLetTheNewestVersionWin() throws Exception {
        context.getRouteController().stopRoute("workorders-inbound");
        // the first bulk write (500 work orders of a.json) is held back until the stored versions of the second
        // (b.json, the only one with work order 501) have been read: they cannot show what the first writes, which
        // must count all the same
        java.util.concurrent.CountDownLatch readAhead = onReadAheadOf501();
        holdBulkWriteUntil(readAhead, () -> true);
        ArrayNode a = JSON.createArrayNode();
        for (int i = 1; i <= 500; i++) {
            a.add(workOrder(i, "2025-02-01T00:00:00Z").put("summary", "a " + i));
        }
        drop(dir("inbound"), "a.json", a.toString());
        drop(dir("inbound"), "b.json", "[" + workOrder(1, "2025-01-01T00:00:00Z").put("summary", "older") + ","
                + workOrder(2, "2025-02-01T00:00:00Z").put("summary", "tie, later") + ","
                + workOrder(3, "2025-03-01T00:00:00Z").put("summary", "newer") + ","
                + workOrder(501, "2025-01-01T00:00:00Z").put("summary", "new") + "]");
        Thread.sleep(1100);
        context.getRouteController().startRoute("workorders-inbound");
        await().atMost(Duration.ofSeconds(30)).until(() -> count("done") == 2);

        assertThat(readAhead.getCount()).isZero();
        assertNewestVersionsWon("a 1", "b.json");
        assertThat(dir("error").resolve("a.json.rejected.ndjson")).doesNotExist();
    }

    @Test
    void storedVersionsOfTheNextBatchReadWhileABatchIsWrittenStillLetTheNewestVersionWin() throws Exception {
        context.getRouteController().stopRoute("workorders-inbound");
        // two batches: 500 one-object files, then y.json; the first batch's bulk write is held back until the
        // stored versions of the second batch (y.json, the only one with work order 501) have been read: they
        // cannot show what the first batch writes, which must count all the same
        java.util.concurrent.CountDownLatch nextBatchRead = onReadAheadOf501();
        AtomicInteger routeQueries = onRouteQuery();
        AtomicInteger bulkWrites = new AtomicInteger();
        holdBulkWriteUntil(nextBatchRead, () -> bulkWrites.incrementAndGet() == 1);
        dropABatchThenY();
        Thread.sleep(1100);
        context.getRouteController().startRoute("workorders-inbound");
        await().atMost(Duration.ofSeconds(30)).until(() -> count("done") == 501);

        assertThat(nextBatchRead.getCount()).isZero();
        assertThat(bulkWrites.get()).as("one bulk write per batch").isEqualTo(2);
        assertThat(routeQueries.get()).as("queries of the route").isZero();
        assertNewestVersionsWon("x 1", "y.json");
    }

    @Test
    void aBatchFailingAfterItsBulkWriteWasSentHasTheNextBatchQueryItsStoredVersionsAgain() throws Exception {
        // the first batch's bulk write is held back until the second batch's stored versions have been read
        // ahead, then the batch fails once its bulk write is in: what it put in is not known, so the route queries
        // the second batch's versions again
        java.util.concurrent.CountDownLatch nextBatchRead = onReadAheadOf501();
        AtomicInteger failures = new AtomicInteger();
        org.apache.camel.builder.AdviceWith.adviceWith(context, "workorders-write-batch", route -> route.weaveById("workorders-count-upserts").before()
                .process(exchange -> {
                    if (failures.getAndIncrement() == 0) {
                        throw new IllegalStateException("simulated failure after the bulk write");
                    }
                }));
        context.getRouteController().startRoute("workorders-write-batch");
        context.getRouteController().stopRoute("workorders-inbound");
        AtomicInteger routeQueries = onRouteQuery();
        holdBulkWriteUntil(nextBatchRead, () -> failures.get() == 0);
        dropABatchThenY();
        Thread.sleep(1100);
        context.getRouteController().startRoute("workorders-inbound");
        await().atMost(Duration.ofSeconds(30)).until(() -> count("done") == 1 && count("error") == 500 + 500);

        assertThat(nextBatchRead.getCount()).isZero();
        assertThat(title(1)).as("the failed batch's version, in all the same, is newer").isEqualTo("x 1");
        assertThat(dir("error").resolve("x-001.json.error.json")).content().contains("simulated failure after the bulk write");
        assertThat(routeQueries.get()).as("the second batch's stored versions queried by the route").isEqualTo(1);
        assertThat(title(3)).isEqualTo("newer");
        assertThat(title(501)).isEqualTo("new");
        assertThat(rejected("y.json")).singleElement().satisfies(r ->
                assertThat(r.get("reasons").toString()).contains("stale").contains("older than the stored version"));
    }

    @Test
    void storedVersionsTheReaderCouldNotReadAreQueriedByTheRoute() throws Exception {
        context.getRouteController().stopRoute("workorders-inbound");
        AtomicInteger routeQueries = onRouteQuery();
        importer().readStoredVersionsAheadWith(query -> {
            throw new com.mongodb.MongoTimeoutException("unreachable from the reader");
        });
        drop(dir("inbound"), "new.json", workOrders(1_500, "2025-01-01T00:00:00Z"));
        Thread.sleep(1100);
        context.getRouteController().startRoute("workorders-inbound");
        await().atMost(Duration.ofSeconds(30)).until(() -> count("done") == 1);
        // three bulk writes of 500, all queried by the route: 5 queries of 100 for the first, 1 for each other
        assertThat(routeQueries.get()).isEqualTo(5 + 1 + 1);

        drop(dir("inbound"), "older.json", workOrders(1_500, "2024-12-01T00:00:00Z"));
        await().atMost(Duration.ofSeconds(30)).until(() -> count("done") == 2);
        assertThat(rejected("older.json")).hasSize(1_500).allSatisfy(r -> assertThat(r.get("reasons").toString()).contains("stale"));
        assertThat(workorders().countDocuments(new Document("updatedAt", java.util.Date.from(java.time.Instant.parse("2025-01-01T00:00:00Z")))))
                .isEqualTo(1_500);
    }

    /** Read ahead as the app does; the latch opens once a query of work order 501 (only in y.json or b.json) was read. */
    private java.util.concurrent.CountDownLatch onReadAheadOf501() {
        java.util.concurrent.CountDownLatch read = new java.util.concurrent.CountDownLatch(1);
        importer().readStoredVersionsAheadWith(query -> {
            List<Document> found = storedVersions(query);
            if (query.toBsonDocument().toJson().contains("501")) {
                read.countDown();
            }
            return found;
        });
        return read;
    }

    /** 500 one-object files (a batch), work orders 1-500 of February, then y.json (the next batch). */
    private void dropABatchThenY() throws IOException {
        for (int i = 1; i <= 500; i++) {
            drop(dir("inbound"), String.format("x-%03d.json", i), workOrder(i, "2025-02-01T00:00:00Z").put("summary", "x " + i).toString());
        }
        drop(dir("inbound"), "y.json", "[" + workOrder(1, "2025-01-01T00:00:00Z").put("summary", "older") + ","
                + workOrder(2, "2025-02-01T00:00:00Z").put("summary", "tie, later") + ","
                + workOrder(3, "2025-03-01T00:00:00Z").put("summary", "newer") + ","
                + workOrder(501, "2025-01-01T00:00:00Z").put("summary", "new") + "]");
    }

    private static void awaitLatch(java.util.concurrent.CountDownLatch latch, String what) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).as(what).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private WorkOrderImport importer() {
        return context.getRegistry().lookupByNameAndType("workOrderImport", WorkOrderImport.class);
    }

    /** The stored versions one query finds, as the app reads them ahead. */
    private List<Document> storedVersions(org.bson.conversions.Bson query) {
        return workorders().find(query).projection(StoredVersions.FIELDS).into(new java.util.ArrayList<>());
    }

    private static String workOrders(int count, String updated) {
        ArrayNode records = JSON.createArrayNode();
        for (int i = 1; i <= count; i++) {
            records.add(workOrder(i, updated));
        }
        return records.toString();
    }

    @Test
    void aFileOfManyBulkWritesKeepsEveryInvalidAndStaleRecordWhileItsNextWriteIsReadMeanwhile() throws Exception {
        // 6,000 records in one file, 12 bulk writes of 500: each of 1,500 work orders comes once per 1,500 records,
        // the third time older than the stored version (stale, found by the batch's thread after its query), and
        // every 7th record is invalid (rejected by the reader of the next write meanwhile): both go to the same
        // .rejected.ndjson, every line whole
        java.time.Instant base = java.time.Instant.parse("2025-01-01T00:00:00Z");
        ArrayNode records = JSON.createArrayNode();
        Map<Integer, java.time.Instant> stored = new HashMap<>();
        Map<Integer, Integer> storedIndex = new HashMap<>();
        int invalid = 0;
        int stale = 0;
        for (int i = 0; i < 6_000; i++) {
            int orderNo = 10_000 + i % 1_500;
            java.time.Instant updated = i / 1_500 == 2 ? base.minusSeconds(i) : base.plusSeconds(i);
            if (i % 7 == 0) {
                records.add(workOrder(orderNo, updated.toString()).put("orderNo", "not a number " + i));
                invalid++;
            } else {
                records.add(workOrder(orderNo, updated.toString()).put("summary", "record " + i));
                if (stored.containsKey(orderNo) && updated.isBefore(stored.get(orderNo))) {
                    stale++;
                } else {
                    stored.put(orderNo, updated);
                    storedIndex.put(orderNo, i);
                }
            }
        }
        drop(dir("inbound"), "many-writes.json", records.toString());
        await().atMost(Duration.ofSeconds(60)).until(() -> count("done") == 1);

        List<JsonNode> rejected = rejected("many-writes.json");
        assertThat(rejected).hasSize(invalid + stale);
        assertThat(rejected).filteredOn(r -> r.get("reasons").toString().contains("stale")).hasSize(stale);
        assertThat(rejected.stream().map(r -> r.get("index").asInt()).distinct().count()).isEqualTo(invalid + stale);
        assertThat(workorders().countDocuments()).isEqualTo(1_500);
        storedIndex.forEach((orderNo, i) -> assertThat(title(orderNo)).as("work order %d", orderNo).isEqualTo("record " + i));
    }

    @Test
    void aLastBulkWriteWithNothingValidLeftIsSkippedAndItsFilesStillEnd() throws Exception {
        // 500 valid records fill the first bulk write exactly; what is read next (the next file, invalid records
        // only) leaves nothing to write: no empty bulk write, and both files move to done as usual (b.json with
        // its two rejected records)
        context.getRouteController().stopRoute("workorders-inbound");
        ArrayNode full = JSON.createArrayNode();
        for (int i = 1; i <= 500; i++) {
            full.add(workOrder(i, "2025-01-01T00:00:00Z"));
        }
        drop(dir("inbound"), "a.json", full.toString());
        drop(dir("inbound"), "b.json", "[" + workOrder(501, "2025-01-01T00:00:00Z").put("orderNo", "x") + ","
                + workOrder(502, "2025-01-01T00:00:00Z").remove("summary") + "]");
        AtomicInteger bulkWrites = onBulkWrite(n -> { });
        Thread.sleep(1100);
        context.getRouteController().startRoute("workorders-inbound");

        await().atMost(Duration.ofSeconds(30)).until(() -> count("done") == 2);
        assertThat(count("error")).as("files sent to the error folder").isZero();
        assertThat(workorders().countDocuments()).isEqualTo(500);
        assertThat(rejected("b.json")).hasSize(2);
        assertThat(bulkWrites).hasValue(1);
    }

    /** Counts the route's bulk writes; {@code then} gets the count after each one. */
    private AtomicInteger onBulkWrite(java.util.function.IntConsumer then) {
        return onSent("operation=bulkWrite", then);
    }

    /** Counts the stored-version queries the route itself sends. */
    private AtomicInteger onRouteQuery() {
        return onSent("operation=findAll", sent -> { });
    }

    private AtomicInteger onSent(String operation, java.util.function.IntConsumer then) {
        AtomicInteger count = new AtomicInteger();
        context.getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.ExchangeSentEvent sent && sent.getEndpoint().getEndpointUri().contains(operation)) {
                    then.accept(count.incrementAndGet());
                }
            }
        });
        return count;
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

    /** Holds a bulk write back, when {@code hold} says so as it is sent, until the next write's stored versions are read. */
    private void holdBulkWriteUntil(java.util.concurrent.CountDownLatch nextRead, java.util.function.BooleanSupplier hold) {
        context.getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.ExchangeSendingEvent sending && sending.getEndpoint().getEndpointUri().contains("operation=bulkWrite")
                        && hold.getAsBoolean()) {
                    awaitLatch(nextRead, "the next write's stored versions read first");
                }
            }
        });
    }

    /** Work orders 1-3 and 501 as the newest versions left them: the first file's {@code first1} and the later file's others. */
    private void assertNewestVersionsWon(String first1, String laterFile) {
        assertThat(title(1)).as("an older version read ahead of the newer one's write").isEqualTo(first1);
        assertThat(title(2)).isEqualTo("tie, later");
        assertThat(title(3)).isEqualTo("newer");
        assertThat(title(501)).isEqualTo("new");
        assertThat(rejected(laterFile)).singleElement().satisfies(r -> {
            assertThat(r.get("index").asInt()).isZero();
            assertThat(r.get("reasons").toString()).contains("stale").contains("older than the stored version");
        });
    }
}
