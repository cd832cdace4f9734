package io.syncroutes.workorders;

import io.syncroutes.shared.FilesAtRest;
import io.syncroutes.shared.JsonSchemaValidator;
import io.syncroutes.shared.SyncState;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static io.syncroutes.Fixtures.drop;
import static io.syncroutes.Fixtures.workOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A batch reads its next bulk write on the reader thread; when that thread is gone (a forced stop drops the read
 * queued for it, then refuses any more), the batch reads its bulk writes itself instead of waiting forever.
 */
class WorkOrderBatchReaderTest {

    @TempDir
    Path tmp;

    @Test
    void aBatchWhoseReaderIsShutDownReadsItsBulkWritesItself() throws Exception {
        StringJoiner records = new StringJoiner(",", "[", "]");
        for (int i = 1; i <= 5; i++) {
            records.add(workOrder(i, "2025-01-01T00:00:00Z").toString());
        }
        File file = drop(tmp, "orders.json", records.toString()).toFile();
        ThreadPoolExecutor reader = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        CountDownLatch busy = new CountDownLatch(1);
        // the reader thread is busy: the batch's read of its second bulk write waits in the queue
        reader.submit(() -> {
            busy.await();
            return null;
        });
        WorkOrderImport importer = new WorkOrderImport(JsonSchemaValidator.fromClasspath("schemas/workorder.schema.json"),
                new WorkOrderTranslator(), tmp.resolve("done"), tmp.resolve("error"), 2,
                new SyncState(ManagementFactory.getPlatformMBeanServer(), () -> null).flow("workorders-reader-test"), reader,
                new IncompleteFiles(new FilesAtRest(1000), 600_000));
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());

        List<Integer> sizes = new ArrayList<>();
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            Iterator<BulkWrite> batch = importer.bulkWrites(List.of(file), exchange);
            sizes.add(batch.next().size());
            // a forced stop: the queued read is dropped, the reader thread interrupted, any later read refused
            reader.shutdownNow();
            assertThat(reader.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
            while (batch.hasNext()) {
                BulkWrite write = batch.next();
                if (write != null) {
                    sizes.add(write.size());
                }
            }
        });
        assertThat(sizes).containsExactly(2, 2, 1);
    }
}
