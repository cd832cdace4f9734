package io.syncroutes.workorders;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import io.syncroutes.shared.FlowState;
import io.syncroutes.shared.Provenance;
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
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The outbound export, 1,000 documents at a time from one cursor: unsynced documents in {@code _id} order become {@code workorder_<orderNo>.json}
 * files (temp name, then atomic rename), and only then are marked synced; a document an import changed in the
 * meantime is set back to unsynced. (The mark and the re-read go by {@code _id} alone: mongo-java-server uses an
 * index only for a query on exactly its keys.)
 */
public class WorkOrderExport {

    private static final Logger LOG = LoggerFactory.getLogger(WorkOrderExport.class);
    private static final String WRITTEN = "workOrderExport.written";
    /** Fields an export writes out: a document whose fields changed after it was read is exported again. */
    private static final List<String> EXPORTED_FIELDS = List.of(
            "number", "status", "title", "description", "createdAt", "updatedAt", "deleted", "deletedAt");
    private static final int MAX_REMEMBERED_FAILURES = 10_000;

    private final ObjectWriter writer = new ObjectMapper().writerWithDefaultPrettyPrinter();
    private final WorkOrderTranslator translator;
    private final Path outboundDir;
    private final int batchSize;
    private final Set<String> reportedFailures = new LinkedHashSet<>();
    private final FlowState state;
    private volatile long leftUnsynced = -1;

    public WorkOrderExport(WorkOrderTranslator translator, Path outboundDir, int batchSize, FlowState state) {
        this.state = state.lag("work orders left unsynced by the last export", () -> leftUnsynced);
        this.translator = translator;
        this.outboundDir = outboundDir;
        this.batchSize = batchSize;
    }

    /** Starts an export run: its stats, and the query of every document not synced ({@code isSynced} false or missing), in {@code _id} order. */
    public Bson begin(Exchange exchange) throws IOException {
        Files.createDirectories(outboundDir);
        exchange.setProperty(SyncStats.PROPERTY, new SyncStats("workorders-export", "export",
                "read", "exported", "marked", "changedMeanwhile", "failed").trigger(Provenance.trigger(exchange)));
        exchange.getMessage().setHeader(MongoDbConstants.SORT_BY, Sorts.ascending("_id"));
        // the provenance sub-document is never exported, nor read for the export
        exchange.getMessage().setHeader(MongoDbConstants.FIELDS_PROJECTION, Projections.exclude(Provenance.FIELD));
        exchange.getMessage().setHeader(MongoDbConstants.BATCH_SIZE, batchSize);
        return Filters.ne("isSynced", true);
    }

    /** Writes one file per document; returns the ids of those written. A document that fails is skipped, not retried in this run. */
    public List<Object> writeFiles(@Body List<Document> page, Exchange exchange) {
        SyncStats stats = exchange.getProperty(SyncStats.PROPERTY, SyncStats.class);
        stats.add("read", page.size());
        Map<Object, Document> written = new LinkedHashMap<>();
        for (Document doc : page) {
            try {
                write(doc);
                written.put(doc.get("_id"), doc);
                stats.increment("exported");
            } catch (IllegalArgumentException | IOException e) {
                stats.increment("failed");
                stats.error(String.valueOf(doc.get("number", doc.get("_id"))), e.getMessage());
                reportOnce(doc, e);
            }
        }
        exchange.setProperty(WRITTEN, written);
        return new ArrayList<>(written.keySet());
    }

    /**
     * The bulk write marking the written documents synced: one update by {@code _id} each, not one {@code $in}; each
     * names its file and this run in {@code _sync.exported} (provenance in the same write, no write of its own).
     */
    public List<WriteModel<Document>> markSynced(@Body List<Object> ids, @ExchangeProperty(WRITTEN) Map<Object, Document> written,
                                                 @ExchangeProperty(SyncStats.PROPERTY) SyncStats stats) {
        Date now = new Date();
        List<WriteModel<Document>> marks = new ArrayList<>(ids.size());
        for (Object id : ids) {
            Document exported = new Document("file", fileName(written.get(id).get("number"))).append("runId", stats.runId()).append("at", now);
            marks.add(new UpdateOneModel<>(Filters.eq("_id", id), new Document("$set",
                    new Document("isSynced", true).append("syncedAt", now).append(Provenance.FIELD + ".exported", exported))));
        }
        return marks;
    }

    /** The query reading the just-marked documents again, to find those an import changed meanwhile. */
    public Bson recheck(@ExchangeProperty(WRITTEN) Map<Object, Document> written) {
        return Filters.in("_id", written.keySet());
    }

    /**
     * Compares the documents as they are now with what was written: one changed since it was read (an import in
     * between) is set back to unsynced, so its new version goes next run. Returns that update, or an empty list.
     */
    public List<Bson> changedMeanwhile(@Body List<Document> current, Exchange exchange) {
        SyncStats stats = exchange.getProperty(SyncStats.PROPERTY, SyncStats.class);
        @SuppressWarnings("unchecked")
        Map<Object, Document> written = exchange.getProperty(WRITTEN, Map.class);
        List<Object> changed = new ArrayList<>();
        for (Document now : current) {
            Document before = written.get(now.get("_id"));
            if (before != null && EXPORTED_FIELDS.stream().anyMatch(f -> !Objects.equals(before.get(f), now.get(f)))) {
                changed.add(now.get("_id"));
            }
        }
        stats.add("marked", written.size() - changed.size());
        stats.add("changedMeanwhile", changed.size());
        if (changed.isEmpty()) {
            return List.of();
        }
        exchange.getMessage().setHeader(MongoDbConstants.MULTIUPDATE, true);
        return List.of(Filters.in("_id", changed), Updates.set("isSynced", false));
    }

    /** Ends the run; returns its stats. */
    public SyncStats finish(@ExchangeProperty(SyncStats.PROPERTY) SyncStats stats) {
        stats.finish();
        leftUnsynced = stats.get("read") - stats.get("marked");
        if (stats.get("read") > 0) {
            state.runFinished(stats);
        }
        return stats;
    }

    private void write(Document doc) throws IOException {
        ObjectNode customer = translator.toCustomer(doc);
        String name = fileName(customer.get("orderNo").asLong());
        Path temp = outboundDir.resolve("." + name + ".tmp");
        Files.write(temp, writer.writeValueAsBytes(customer));
        Files.move(temp, outboundDir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The file a work order is exported to. */
    private static String fileName(Object number) {
        return "workorder_" + ((Number) number).longValue() + ".json";
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
