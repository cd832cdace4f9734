package io.syncroutes.workorders;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import io.syncroutes.shared.SyncStats;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.component.mongodb.MongoDbConstants;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The outbound export, page by page: unsynced documents in {@code _id} order become {@code workorder_<orderNo>.json}
 * files (temp name, then atomic rename), and only then are marked synced, guarded by what was exported.
 */
public class WorkOrderExport {

    private static final Logger LOG = LoggerFactory.getLogger(WorkOrderExport.class);
    private static final String LAST_ID = "workOrderExport.lastId";
    private static final String HAS_MORE = "workOrderExport.hasMore";
    /** Fields an export reads: the mark only applies while they are unchanged (an import in between wins). */
    private static final List<String> EXPORTED_FIELDS = List.of(
            "number", "status", "title", "description", "createdAt", "updatedAt", "deleted", "deletedAt");
    private static final int MAX_REMEMBERED_FAILURES = 10_000;

    private final ObjectWriter writer = new ObjectMapper().writerWithDefaultPrettyPrinter();
    private final WorkOrderTranslator translator;
    private final Path outboundDir;
    private final int batchSize;
    private final Set<String> reportedFailures = new LinkedHashSet<>();

    public WorkOrderExport(WorkOrderTranslator translator, Path outboundDir, int batchSize) {
        this.translator = translator;
        this.outboundDir = outboundDir;
        this.batchSize = batchSize;
    }

    /** Starts an export run. */
    public void begin(Exchange exchange) throws IOException {
        Files.createDirectories(outboundDir);
        exchange.setProperty(SyncStats.PROPERTY, new SyncStats("workorders-export", "export", "read", "exported", "marked", "failed"));
        exchange.setProperty(HAS_MORE, true);
        exchange.removeProperty(LAST_ID);
    }

    /** The query of the next page: not synced ({@code isSynced} false or missing), after the last page, in {@code _id} order. */
    public Bson nextPage(Exchange exchange) {
        Object lastId = exchange.getProperty(LAST_ID);
        exchange.getMessage().setHeader(MongoDbConstants.SORT_BY, Sorts.ascending("_id"));
        exchange.getMessage().setHeader(MongoDbConstants.LIMIT, batchSize);
        Bson unsynced = Filters.ne("isSynced", true);
        return lastId == null ? unsynced : Filters.and(unsynced, Filters.gt("_id", lastId));
    }

    /** Writes one file per document; returns the marks for those written. A document that fails is skipped, not retried in this run. */
    public List<WriteModel<Document>> writeFiles(@Body List<Document> page, Exchange exchange) {
        SyncStats stats = exchange.getProperty(SyncStats.PROPERTY, SyncStats.class);
        stats.add("read", page.size());
        exchange.setProperty(HAS_MORE, page.size() >= batchSize);
        if (!page.isEmpty()) {
            exchange.setProperty(LAST_ID, page.get(page.size() - 1).get("_id"));
        }
        Date syncedAt = new Date();
        List<WriteModel<Document>> marks = new ArrayList<>(page.size());
        for (Document doc : page) {
            try {
                write(doc);
                marks.add(new UpdateOneModel<>(snapshotOf(doc),
                        Updates.combine(Updates.set("isSynced", true), Updates.set("syncedAt", syncedAt))));
                stats.increment("exported");
            } catch (IllegalArgumentException | IOException e) {
                stats.increment("failed");
                stats.error(String.valueOf(doc.get("number", doc.get("_id"))), e.getMessage());
                reportOnce(doc, e);
            }
        }
        return marks;
    }

    /** Counts the documents marked synced (fewer than exported when an import changed some meanwhile: they go again next run). */
    public void marked(@Body BulkWriteResult result, @ExchangeProperty(SyncStats.PROPERTY) SyncStats stats) {
        stats.add("marked", result.getModifiedCount());
    }

    /** Ends the run; returns its stats. */
    public SyncStats finish(@ExchangeProperty(SyncStats.PROPERTY) SyncStats stats) {
        return stats.finish();
    }

    private void write(Document doc) throws IOException {
        ObjectNode customer = translator.toCustomer(doc);
        String name = "workorder_" + customer.get("orderNo").asText() + ".json";
        Path temp = outboundDir.resolve("." + name + ".tmp");
        Files.write(temp, writer.writeValueAsBytes(customer));
        Files.move(temp, outboundDir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static Bson snapshotOf(Document doc) {
        List<Bson> equal = new ArrayList<>(EXPORTED_FIELDS.size() + 1);
        equal.add(Filters.eq("_id", doc.get("_id")));
        for (String field : EXPORTED_FIELDS) {
            equal.add(Filters.eq(field, doc.get(field)));
        }
        return Filters.and(equal);
    }

    /** Logs a document that cannot be exported once per version, not on every run. */
    private void reportOnce(Document doc, Exception e) {
        String key = doc.get("_id") + "@" + doc.hashCode();
        synchronized (reportedFailures) {
            if (!reportedFailures.add(key)) {
                return;
            }
            if (reportedFailures.size() > MAX_REMEMBERED_FAILURES) {
                reportedFailures.remove(reportedFailures.iterator().next());
            }
        }
        LOG.warn("work order {} (_id {}) not exported, left unsynced: {}", doc.get("number"), doc.get("_id"), e.getMessage());
    }
}
