package io.syncroutes.workorders;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.WriteModel;
import io.syncroutes.shared.FlowState;
import io.syncroutes.shared.JsonSchemaValidator;
import io.syncroutes.shared.Provenance;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.component.mongodb.MongoDbConstants;
import org.apache.camel.support.SynchronizationAdapter;
import org.apache.camel.util.ObjectHelper;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * The inbound work-order files, as {@code routes/workorders.camel.yaml} sees them: each step of the inbound routes
 * calls one method here, which hands the work to the part that does it. The files of one poll become batches
 * ({@link PollAggregation}), each file's move handed over to its batch ({@link FileHandOver}); a batch
 * ({@link FileBatch}) streams its files' records ({@link InboundFile}) in bulk writes shared by the files, each
 * holding only the newest version of a work order, compared with the version stored ({@link StoredVersions}).
 */
public class WorkOrderImport {

    /** Exchange property of a batch's exchange: its {@link FileBatch}. */
    private static final String BATCH = "workOrderImport.batch";
    /** Exchange property of a bulk write's exchange: its {@link BulkWrite}. */
    private static final String BULK_WRITE = "workOrderImport.bulkWrite";
    private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);

    private final InboundFiles inboundFiles;
    private final FileHandOver handOver;
    private final StoredVersions storedVersions = new StoredVersions();
    private final PollAggregation pollAggregation = new PollAggregation(this);
    private final IncompleteFiles incompleteFiles;
    private final FlowState state;
    private final int batchSize;
    private final Executor reader;

    /** {@code reader}: reads each batch's next bulk write while one is written; work it refuses the batch does itself. */
    public WorkOrderImport(JsonSchemaValidator validator, WorkOrderTranslator translator, Path doneDir, Path errorDir,
                           int batchSize, FlowState state, Executor reader, IncompleteFiles incompleteFiles) {
        this.inboundFiles = new InboundFiles(validator, translator, errorDir);
        this.handOver = new FileHandOver(doneDir, incompleteFiles, batchSize);
        this.incompleteFiles = incompleteFiles;
        this.state = state;
        this.batchSize = batchSize;
        this.reader = reader;
    }

    /** Per file, on the file consumer's thread: a small file is read into memory now (see {@link InboundFiles}). */
    public void readAhead(Exchange exchange) {
        inboundFiles.readAhead(exchange);
    }

    /** Per file, before the aggregator: its move runs when the batch holding it ends (see {@link FileHandOver}). */
    public void handOver(Exchange exchange) {
        handOver.handOver(exchange);
    }

    /** Whether the inbound folder may be listed again (see {@link FileHandOver#readyForNextPoll}). */
    public boolean readyForNextPoll(Duration stuckAfter) {
        return handOver.readyForNextPoll(stuckAfter);
    }

    /** The aggregation of the files of one poll into batches. */
    public AggregationStrategy filesOfOnePoll() {
        return pollAggregation;
    }

    /** How the stored versions of a bulk write are read ahead on the reader thread; unset, the route queries them. */
    public void readStoredVersionsAheadWith(Function<Bson, List<Document>> find) {
        storedVersions.readAheadWith(find);
    }

    /** Bytes of files read ahead that wait for their batch (0 once every batch has ended). */
    long readAheadBytes() {
        return inboundFiles.readAheadBytes();
    }

    /**
     * The bulk writes of the batch of these files, pulled one at a time by the route's splitter while the next one
     * is read. However the batch ends (MongoDB still unreachable once the redeliveries are spent, too), its files
     * are closed.
     */
    public Iterator<BulkWrite> bulkWrites(@Body List<File> files, Exchange exchange) {
        FileBatch batch = exchange.getProperty(BATCH, FileBatch.class);
        return batch != null ? batch : open(files, exchange);
    }

    /** The batch of these files, closed however its exchange ends. */
    FileBatch open(List<File> files, Exchange exchange) {
        FileBatch batch = batchOf(files, exchange);
        exchange.setProperty(BATCH, batch);
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange ended) {
                batch.close();
            }
        });
        return batch;
    }

    /**
     * The queries of the stored versions of this bulk write's work orders, by number, with only the fields compared;
     * none when they were read ahead with its records.
     */
    public List<Bson> storedVersions(@Body BulkWrite write, Exchange exchange) {
        exchange.setProperty(BULK_WRITE, write);
        exchange.getMessage().setHeader(MongoDbConstants.FIELDS_PROJECTION, StoredVersions.FIELDS);
        return storedVersions.toQuery(write);
    }

    /**
     * The upserts of this bulk write, unordered: a record older than the version stored is not written, but counted
     * as stale and listed with its reason in its file's {@code .rejected.ndjson}. The body is what each query of
     * {@link #storedVersions} found, grouped.
     */
    public List<WriteModel<Document>> newestOnly(@Body List<List<Document>> found, @ExchangeProperty(BULK_WRITE) BulkWrite write,
                                                 Exchange exchange) {
        exchange.getMessage().removeHeader(MongoDbConstants.FIELDS_PROJECTION);
        Map<Object, Date> stored = storedVersions.newest(write, found);
        // unordered: a record MongoDB refuses does not stop the others of the write (see partlyWritten)
        exchange.getMessage().setHeader(MongoDbConstants.BULK_ORDERED, false);
        List<WriteModel<Document>> upserts = new ArrayList<>(write.byNumber.size());
        Date now = new Date();
        for (PendingRecord record : write.byNumber.values()) {
            if (record.staleAgainst(stored.get(record.number()))) {
                continue;
            }
            write.written.add(record);
            upserts.add(new UpdateOneModel<>(Filters.eq("number", record.number()), withProvenance(record, now), UPSERT));
        }
        write.sent = !upserts.isEmpty();
        return upserts;
    }

    /**
     * The upsert of a record with its provenance in the same write: {@code _sync} names the file and record index, the
     * run (the batch) and when. Set whole, one field: the write it replaces goes to the ledger once this one is in.
     */
    private static Document withProvenance(PendingRecord record, Date now) {
        Document set = record.fields();
        set.put(Provenance.FIELD, new Document("runId", record.file().stats().runId()).append("writtenAt", now)
                .append("source", new Document("file", record.file().name()).append("index", record.index())));
        return new Document("$set", set);
    }

    /** The writes of the stored versions this bulk write replaced (their {@code _sync}: import and export), into the ledger. */
    private void ledgerReplaced(BulkWrite write) {
        for (PendingRecord record : write.written) {
            Document replaced = write.replaced.get(record.number());
            if (replaced != null && write.confirmed.containsKey(record.number())) {
                String number = String.valueOf(record.number());
                if (replaced.get("source") instanceof Document source) {
                    state.ledger("workorders", number, "stored", source, replaced.getString("runId"), replaced.getDate("writtenAt"));
                }
                if (replaced.get("exported") instanceof Document exported) {
                    state.ledger("workorders", number, "exported", Map.of("file", exported.getString("file")), exported.getString("runId"),
                            exported.getDate("at"));
                }
            }
        }
    }

    /** Counts what one bulk write did, for each file whose records it held. */
    public void written(@Body BulkWriteResult result, @ExchangeProperty(BULK_WRITE) BulkWrite write) {
        write.count(result.getUpserts(), Map.of());
        storedVersions.ended(write);
        ledgerReplaced(write);
    }

    /**
     * The upserts MongoDB refused in an unordered bulk write (a unique index other than on number, a document too
     * large): each refused record is rejected alone, with MongoDB's reason, in its file's
     * {@code .rejected.ndjson}; the others of the write are in and counted. Anything else fails the batch.
     */
    public String partlyWritten(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception caught,
                                @ExchangeProperty(BULK_WRITE) BulkWrite write) throws Exception {
        MongoBulkWriteException refused = ObjectHelper.getException(MongoBulkWriteException.class, caught);
        if (refused == null || refused.getWriteErrors().isEmpty() || refused.getWriteConcernError() != null) {
            throw caught;
        }
        Map<Integer, BulkWriteError> byIndex = new HashMap<>();
        refused.getWriteErrors().forEach(error -> byIndex.put(error.getIndex(), error));
        write.count(refused.getWriteResult().getUpserts(), byIndex);
        storedVersions.ended(write);
        ledgerReplaced(write);
        return String.format("MongoDB refused %d of %d records of a bulk write; each is kept with its reason in its"
                + " file's .rejected.ndjson, the others are in", byIndex.size(), write.written.size());
    }

    /** Ends a batch whose records are all in MongoDB: one line per file; unreadable files go to the error folder. */
    public String finish(Exchange exchange) throws IOException {
        return exchange.getProperty(BATCH, FileBatch.class).finish(null);
    }

    /**
     * The route is stopping in the middle of a batch (its bulk write refused by a stopping thread pool): the
     * batch's files stay in the inbound folder, untouched, and are read again at the next start.
     */
    public String leaveFiles(Exchange exchange) {
        exchange.setProperty(FileHandOver.LEAVE, Boolean.TRUE);
        FileBatch batch = exchange.getProperty(BATCH, FileBatch.class);
        int files;
        if (batch != null) {
            batch.close();
            files = batch.size();
        } else {
            PollAggregation.inboundFilesOf(exchange).values().forEach(InboundFile::closeQuietly);
            files = exchange.getMessage().getBody() instanceof List<?> list ? list.size() : 1;
        }
        return "route stopping: the batch's " + files + " files stay in the inbound folder and are read again at the next start";
    }

    /**
     * Ends a batch that failed for another reason than MongoDB being unreachable: every file of it goes to the
     * error folder with {@code <file>.error.json} stating why (the records already written stay).
     */
    public String rejectBatch(Exchange exchange) throws IOException {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        FileBatch batch = exchange.getProperty(BATCH, FileBatch.class);
        if (batch == null) {
            Object body = exchange.getMessage().getBody();
            @SuppressWarnings("unchecked")
            List<File> files = body instanceof List<?> list ? (List<File>) list : List.of(exchange.getMessage().getBody(File.class));
            batch = batchOf(files, exchange);
        }
        return batch.finish(InboundFile.reason(cause));
    }

    private FileBatch batchOf(List<File> files, Exchange exchange) {
        return new FileBatch(files, PollAggregation.inboundFilesOf(exchange), inboundFiles, batchSize, storedVersions,
                incompleteFiles, handOver, state, reader);
    }
}
