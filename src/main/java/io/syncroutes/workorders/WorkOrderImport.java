package io.syncroutes.workorders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.WriteModel;
import io.syncroutes.shared.FlowState;
import io.syncroutes.shared.InvalidInputException;
import io.syncroutes.shared.JsonRecordReader;
import io.syncroutes.shared.JsonSchemaValidator;
import io.syncroutes.shared.LongSet;
import io.syncroutes.shared.SyncStats;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.bson.Document;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The inbound work-order file, as the route sees it: a stream of bulk-upsert batches (valid records,
 * translated), rejected records written with their reasons to the error folder, and where the file goes after.
 */
public class WorkOrderImport {

    /** Exchange property holding the {@link Run} of the file in progress. */
    public static final String RUN = "workOrderImport";

    private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);

    private final ObjectMapper mapper = new ObjectMapper();
    private final JsonSchemaValidator validator;
    private final WorkOrderTranslator translator;
    private final Path doneDir;
    private final Path errorDir;
    private final int batchSize;
    private final FlowState state;

    public WorkOrderImport(JsonSchemaValidator validator, WorkOrderTranslator translator,
                           Path doneDir, Path errorDir, int batchSize, FlowState state) {
        this.state = state;
        this.validator = validator;
        this.translator = translator;
        this.doneDir = doneDir.toAbsolutePath();
        this.errorDir = errorDir.toAbsolutePath();
        this.batchSize = batchSize;
    }

    /** Opens the file; the split pulls its upsert batches one at a time, so the file is never held whole. */
    public Iterator<List<WriteModel<Document>>> batches(@Body File file, Exchange exchange) throws IOException {
        Run run = new Run(file);
        exchange.setProperty(RUN, run);
        exchange.setProperty(SyncStats.PROPERTY, run.stats);
        return run;
    }

    /** Counts what one bulk write did. */
    public void written(@Body BulkWriteResult result, @ExchangeProperty(SyncStats.PROPERTY) SyncStats stats) {
        stats.add("upserted", result.getUpserts().size() + (long) result.getMatchedCount());
        stats.add("new", result.getUpserts().size());
    }

    /** Ends a file that went in: closes it and its rejects, and returns the stats line. */
    public SyncStats finish(@ExchangeProperty(RUN) Run run) throws IOException {
        run.close();
        state.runFinished(run.stats.finish());
        return run.stats;
    }

    /** Ends a file that cannot be processed: it goes to the error folder, with a sidecar stating the reason. */
    public String rejectFile(Exchange exchange) throws IOException {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String name = exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        Run run = exchange.getProperty(RUN, Run.class);
        String reason = reason(cause);
        ObjectNode sidecar = mapper.createObjectNode()
                .put("file", name)
                .put("reason", reason)
                .put("failedAt", Instant.now().toString());
        if (run != null) {
            run.close();
            run.stats.add("filesRejected", 1);
            run.stats.error(name, reason);
            state.runFinished(run.stats.finish());
            sidecar.put("recordsRead", run.stats.get("read"));
            sidecar.put("recordsUpserted", run.stats.get("upserted"));
            sidecar.put("recordsRejected", run.stats.get("rejected"));
        } else {
            state.count("filesRejected", 1);
            state.error(name, reason);
        }
        Files.createDirectories(errorDir);
        mapper.writerWithDefaultPrettyPrinter().writeValue(errorDir.resolve(name + ".error.json").toFile(), sidecar);
        exchange.setProperty(RUN + ".destination", errorDir.resolve(name).toString());
        return reason;
    }

    /** Where the file component moves the file once the exchange is done: the done folder, or the error folder. */
    public String destination(Exchange exchange) {
        String rejected = exchange.getProperty(RUN + ".destination", String.class);
        return rejected != null ? rejected
                : doneDir.resolve(exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, String.class)).toString();
    }

    private static String reason(Throwable cause) {
        if (cause == null) {
            return "unknown error";
        }
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof InvalidInputException) {
                return t.getMessage();
            }
        }
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    /** One file being imported: reads records lazily, validates, translates, and hands out upsert batches. */
    public final class Run implements Iterator<List<WriteModel<Document>>>, Closeable {

        private final String name;
        private final InputStream in;
        private final JsonRecordReader reader;
        private final LongSet orderNumbers = new LongSet();
        private final SyncStats stats;
        private BufferedWriter rejects;
        private List<WriteModel<Document>> nextBatch;
        private boolean closed;

        Run(File file) throws IOException {
            this.name = file.getName();
            this.in = Files.newInputStream(file.toPath());
            this.reader = new JsonRecordReader(mapper, in);
            this.stats = new SyncStats("workorders-inbound", name, "read", "upserted", "new", "rejected");
        }

        @Override
        public boolean hasNext() {
            if (nextBatch == null && !closed) {
                nextBatch = readBatch();
            }
            return nextBatch != null && !nextBatch.isEmpty();
        }

        @Override
        public List<WriteModel<Document>> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            List<WriteModel<Document>> batch = nextBatch;
            nextBatch = null;
            return batch;
        }

        private List<WriteModel<Document>> readBatch() {
            List<WriteModel<Document>> batch = new ArrayList<>(batchSize);
            JsonNode record;
            while (batch.size() < batchSize && (record = reader.next()) != null) {
                stats.increment("read");
                WriteModel<Document> upsert = upsert(record, reader.index());
                if (upsert != null) {
                    batch.add(upsert);
                }
            }
            return batch;
        }

        private WriteModel<Document> upsert(JsonNode record, long index) {
            if (!record.isObject()) {
                return reject(index, record, List.of("record is not a JSON object"));
            }
            List<String> reasons = validator.validate(record);
            if (!reasons.isEmpty()) {
                return reject(index, record, reasons);
            }
            Document fields;
            try {
                fields = translator.toTracos(record);
            } catch (IllegalArgumentException e) {
                return reject(index, record, List.of(e.getMessage()));
            }
            long orderNo = record.get("orderNo").longValue();
            if (!orderNumbers.add(orderNo)) {
                return reject(index, record, List.of("duplicate orderNo " + orderNo
                        + " in this file: only its first occurrence is imported"));
            }
            return new UpdateOneModel<>(Filters.eq("number", fields.get("number")), new Document("$set", fields), UPSERT);
        }

        private WriteModel<Document> reject(long index, JsonNode record, List<String> reasons) {
            stats.increment("rejected");
            ObjectNode line = mapper.createObjectNode().put("file", name).put("index", index);
            if (record.has("orderNo")) {
                line.set("orderNo", record.get("orderNo"));
            }
            line.putPOJO("reasons", reasons);
            line.set("record", record);
            try {
                if (rejects == null) {
                    Files.createDirectories(errorDir);
                    rejects = Files.newBufferedWriter(errorDir.resolve(name + ".rejected.ndjson"), StandardCharsets.UTF_8);
                }
                rejects.write(mapper.writeValueAsString(line));
                rejects.newLine();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write rejected record to " + errorDir, e);
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try (in; reader) {
                if (rejects != null) {
                    rejects.close();
                }
            }
        }
    }
}
