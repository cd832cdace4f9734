package io.syncroutes.workorders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.bulk.BulkWriteUpsert;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.WriteModel;
import io.syncroutes.shared.FlowState;
import io.syncroutes.shared.InvalidInputException;
import io.syncroutes.shared.JsonSchemaValidator;
import io.syncroutes.shared.SyncStats;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.mongodb.MongoDbConstants;
import org.apache.camel.spi.Synchronization;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The inbound work-order files, as the route sees them. The files of one poll are aggregated into one batch (their
 * completions, the move to done, handed over to it); the batch streams their records, validated and translated,
 * in bulk writes of up to {@code batchSize} records shared by many files; in each bulk write only the newest
 * version of a work order goes in (by {@code lastUpdateDate}, ties: the later one), and each file then moves to
 * done, or to the error folder when it cannot be read.
 */
public class WorkOrderImport {

    /** Exchange property holding the {@link Batch} being imported. */
    public static final String RUN = "workOrderImport";
    private static final String COMPLETIONS = RUN + ".completions";
    private static final String FILES = RUN + ".files";
    private static final String READ_AHEAD = RUN + ".readAhead";
    /** Work-order numbers per query of the stored versions, while they are mostly found (re-imports). */
    static final int NUMBERS_PER_QUERY = 100;
    /** Below this share of a bulk write's work orders found stored, the next one's are queried all at once. */
    static final double NEW_WORK_ORDERS_SHARE = 0.05;
    /** Files up to this size are read ahead (parsed, validated, translated) on the file consumer's thread. */
    static final long READ_AHEAD_MAX_FILE_BYTES = 16 * 1024;
    /** At most this many bytes of files read ahead wait for their batch; beyond it, a batch reads its files itself. */
    static final long READ_AHEAD_BUDGET_BYTES = 8L * 1024 * 1024;
    private static final String WRITE = RUN + ".write";
    private static final String LEAVE = RUN + ".leave";
    private static final Logger LOG = LoggerFactory.getLogger("io.syncroutes.workorders.inbound");
    private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);

    private final ObjectMapper mapper = new ObjectMapper();
    private final JsonSchemaValidator validator;
    private final WorkOrderTranslator translator;
    private final Path doneDir;
    private final Path errorDir;
    private final int batchSize;
    private final FlowState state;
    /** Reads the next bulk write of a batch while the batch's thread writes the current one. */
    private final ExecutorService reader;
    /** Files left in the inbound folder because they were not complete when read. */
    private final IncompleteFiles incompleteFiles;
    /** Files sent to the error folder instead of done, by name, until their batch moves them. */
    private final Map<String, String> rejectedFiles = new ConcurrentHashMap<>();
    // completions (move or roll back) of files handed over to a batch that have not run yet, and when that last changed
    private final AtomicInteger inFlight = new AtomicInteger();
    // bytes of the files read ahead whose batch has not closed them yet
    private final AtomicLong readAheadBytes = new AtomicLong();
    private volatile long inFlightChangedAt = System.nanoTime();
    // the share of the last bulk write's work orders that were found stored (1: none written yet, assume re-imports)
    private volatile double storedShare = 1;
    // reads the stored versions of the next bulk write on the reader thread, while the one before it is written
    private volatile java.util.function.Function<Bson, List<Document>> storedVersionsAhead;
    // when reading them ahead last failed; none is read ahead for READ_AHEAD_PAUSE_NANOS after
    private volatile long storedVersionsAheadFailedAt = System.nanoTime() - READ_AHEAD_PAUSE_NANOS - 1;
    private static final long READ_AHEAD_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(30);
    // the bulk writes ended since start, and what the last ENDED_KEPT of them put in (UNKNOWN: one sent whose batch
    // then failed), for the stored versions read ahead while they were written
    private final java.util.ArrayDeque<Map<Object, Date>> lastEnded = new java.util.ArrayDeque<>();
    private long endedWrites;
    private static final int ENDED_KEPT = 32;
    private static final Map<Object, Date> UNKNOWN = Map.of();

    public WorkOrderImport(JsonSchemaValidator validator, WorkOrderTranslator translator,
                           Path doneDir, Path errorDir, int batchSize, FlowState state,
                           ExecutorService reader, IncompleteFiles incompleteFiles) {
        this.incompleteFiles = incompleteFiles;
        this.state = state;
        this.reader = reader;
        this.validator = validator;
        this.translator = translator;
        this.doneDir = doneDir.toAbsolutePath();
        this.errorDir = errorDir.toAbsolutePath();
        this.batchSize = batchSize;
    }

    /** The inbound files in name order (the file component's sorter: compares names, no exchange per file). */
    public static final Comparator<GenericFile<Object>> BY_NAME = Comparator.comparing(GenericFile::getFileName);

    /**
     * Before the aggregator, on the file consumer's thread: the file's run, with the size and time it was listed with;
     * a small file (the customer's one work order per file) is read into memory now, while the batch before it is
     * written; its batch's reader thread parses, validates and translates it, so that the file thread, the one thread
     * every file passes through, only reads. A larger file is streamed by its batch, and a small one read by it once
     * {@value #READ_AHEAD_BUDGET_BYTES} bytes of files wait read ahead. Records, rejects and counts are the same
     * either way.
     */
    public void readAhead(Exchange exchange) {
        GenericFile<?> file = exchange.getMessage().getBody(GenericFile.class);
        long length = file.getFileLength();
        FileRun run = new FileRun((File) file.getFile(), length, file.getLastModified());
        exchange.setProperty(READ_AHEAD, run);
        if (length > READ_AHEAD_MAX_FILE_BYTES) {
            return;
        }
        if (readAheadBytes.addAndGet(length) > READ_AHEAD_BUDGET_BYTES) {
            readAheadBytes.addAndGet(-length);
            return;
        }
        run.readAll(length);
    }

    /** Bytes of files read ahead that wait for their batch (0 once every batch has ended). */
    long readAheadBytes() {
        return readAheadBytes.get();
    }

    /**
     * Before the aggregator: takes the file's completion (move to done or error, or leave it in place on failure)
     * off the file's exchange, so that it runs when the batch holding the file ends, not before its records are in.
     */
    public void handOver(Exchange exchange) {
        Exchange holder = new DefaultExchange(exchange.getContext());
        exchange.getUnitOfWork().handoverSynchronization(holder);
        List<Synchronization> completions = holder.getExchangeExtension().handoverCompletions();
        List<Synchronization> replayed = new ArrayList<>();
        if (completions != null) {
            completions.forEach(completion -> replayed.add(new OnFileExchange(completion, exchange)));
        }
        exchange.setProperty(COMPLETIONS, replayed);
        inFlight.addAndGet(replayed.size());
        inFlightChangedAt = System.nanoTime();
    }

    /**
     * Whether the inbound folder may be listed again: at most one batch of files of earlier polls is still waiting
     * for its write, so a new listing does not walk thousands of files in flight only to skip them, yet the next
     * files are read while the last batch is written. A batch that makes no progress for {@code stuckAfter} (e.g.
     * MongoDB unreachable) no longer holds the listing back.
     */
    public boolean readyForNextPoll(Duration stuckAfter) {
        return inFlight.get() <= batchSize || System.nanoTime() - inFlightChangedAt > stuckAfter.toNanos();
    }

    private void completed() {
        inFlight.decrementAndGet();
        inFlightChangedAt = System.nanoTime();
    }

    /**
     * A file's completion, run when its batch ends but on the file's own exchange (which holds the file's read
     * lock): the file commits (moves) when the batch succeeded, and rolls back (stays) when it failed.
     */
    private final class OnFileExchange implements Synchronization {
        private final Synchronization completion;
        private final Exchange file;

        OnFileExchange(Synchronization completion, Exchange file) {
            this.completion = completion;
            this.file = file;
        }

        @Override
        public void onComplete(Exchange batch) {
            if (batch.getProperty(LEAVE) != null) {
                onFailure(batch);
            } else {
                try {
                    moveOut(file);
                    // then Camel releases the file's read lock and forgets it is in progress
                    completion.onComplete(file);
                } finally {
                    completed();
                }
            }
        }

        @Override
        public void onFailure(Exchange batch) {
            if (file.getException() == null) {
                file.setException(batch.getException() != null ? batch.getException()
                        : new org.apache.camel.CamelExchangeException("the batch holding this file failed", batch));
            }
            try {
                completion.onFailure(file);
            } finally {
                completed();
            }
        }
    }

    /** Collects the files of one poll, in order, with their completions, into one exchange. */
    public AggregationStrategy filesOfOnePoll() {
        return new AggregationStrategy() {
            @Override
            @SuppressWarnings("unchecked")
            public Exchange aggregate(Exchange batch, Exchange file) {
                Exchange into = batch == null ? file : batch;
                if (batch == null) {
                    file.setProperty(FILES, new ArrayList<File>());
                    file.setProperty(COMPLETIONS + ".all", new ArrayList<Synchronization>());
                    file.setProperty(READ_AHEAD + ".all", new HashMap<File, FileRun>());
                }
                File path = file.getMessage().getBody(File.class);
                into.getProperty(FILES, List.class).add(path);
                FileRun readAhead = file.getProperty(READ_AHEAD, FileRun.class);
                if (readAhead != null) {
                    into.getProperty(READ_AHEAD + ".all", Map.class).put(path, readAhead);
                }
                List<Synchronization> completions = file.getProperty(COMPLETIONS, List.class);
                if (completions != null) {
                    into.getProperty(COMPLETIONS + ".all", List.class).addAll(completions);
                }
                return into;
            }

            @Override
            @SuppressWarnings("unchecked")
            public void onCompletion(Exchange batch) {
                List<Synchronization> completions = batch.getProperty(COMPLETIONS + ".all", List.class);
                completions.forEach(batch.getExchangeExtension()::addOnCompletion);
                batch.removeProperty(COMPLETIONS + ".all");
                batch.removeProperty(COMPLETIONS);
                batch.removeProperty(READ_AHEAD);
                List<File> files = (List<File>) batch.removeProperty(FILES);
                batch.getMessage().setBody(files);
                // its first bulk write and stored versions are read from now on, while the batches before it are written
                batch(files, batch).readFirstAhead();
            }
        };
    }

    /**
     * Opens the batch of files; the split pulls its bulk writes one at a time, so no file but a small one read ahead
     * is ever held whole; the next bulk write is read while one is written. However the batch ends (MongoDB still
     * unreachable once the redeliveries are spent, too), its files are closed.
     */
    public Iterator<Write> batches(@Body List<File> files, Exchange exchange) {
        Batch batch = exchange.getProperty(RUN, Batch.class);
        return batch != null ? batch : batch(files, exchange);
    }

    /** The batch of these files, closed however its exchange ends. */
    private Batch batch(List<File> files, Exchange exchange) {
        Batch batch = new Batch(files, readAheadOf(exchange));
        exchange.setProperty(RUN, batch);
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange ended) {
                batch.close();
            }
        });
        return batch;
    }

    /**
     * The queries of the stored versions of this bulk write's work orders, by number only (the unique index serves
     * them). While most work orders are found stored, {@value #NUMBERS_PER_QUERY} numbers per query:
     * mongo-java-server (the embedded server) compares every document it finds with the numbers of the {@code $in}
     * one by one, so one query of 1,000 found numbers costs it more than ten of 100. While few are (under
     * {@value #NEW_WORK_ORDERS_SHARE} of the last bulk write: new work orders), one query: each query is a round
     * trip, which cost more than the query itself. None when they were read ahead with the records (every bulk
     * write of a batch but its first, unless MongoDB failed that read).
     */
    public List<Bson> storedVersions(@Body Write write, Exchange exchange) {
        exchange.setProperty(WRITE, write);
        exchange.getMessage().setHeader(MongoDbConstants.FIELDS_PROJECTION, STORED_VERSION_FIELDS);
        if (write.storedAhead != null) {
            // what the bulk writes ended since then put in is merged in (newestOnly); if one of them is not known
            // (its batch failed) or no longer kept, they are queried now
            write.endedSince = endedSince(write.seenEnded);
            if (write.endedSince == null) {
                write.storedAhead = null;
            }
        }
        // read ahead with the records: nothing left to query
        return write.storedAhead != null ? List.of() : queries(write, storedShare);
    }

    /**
     * How the stored versions of a bulk write read ahead are queried ({@code find} returns the documents one query
     * finds, with {@link #STORED_VERSION_FIELDS}); unset, the route queries them.
     */
    public void readStoredVersionsAheadWith(java.util.function.Function<Bson, List<Document>> find) {
        this.storedVersionsAhead = find;
    }

    /** The fields a stored-version query reads. */
    static final Bson STORED_VERSION_FIELDS = Projections.include("number", "updatedAt");

    private static List<Bson> queries(Write write, double storedShare) {
        List<Object> numbers = new ArrayList<>(write.byNumber.keySet());
        int perQuery = storedShare < NEW_WORK_ORDERS_SHARE ? Math.max(1, numbers.size()) : NUMBERS_PER_QUERY;
        List<Bson> queries = new ArrayList<>(numbers.size() / perQuery + 1);
        for (int from = 0; from < numbers.size(); from += perQuery) {
            queries.add(Filters.in("number", numbers.subList(from, Math.min(numbers.size(), from + perQuery))));
        }
        return queries;
    }

    /** A bulk write sent has ended: what it put in ({@code UNKNOWN} when its batch failed without knowing). */
    private void ended(Write write, Map<Object, Date> confirmed) {
        write.ended = true;
        synchronized (lastEnded) {
            endedWrites++;
            lastEnded.addLast(confirmed);
            if (lastEnded.size() > ENDED_KEPT) {
                lastEnded.removeFirst();
            }
        }
    }

    private long endedWrites() {
        synchronized (lastEnded) {
            return endedWrites;
        }
    }

    /** What the bulk writes ended after the first {@code seen} put in, or null when one is unknown or no longer kept. */
    private List<Map<Object, Date>> endedSince(long seen) {
        synchronized (lastEnded) {
            long since = endedWrites - seen;
            if (since > lastEnded.size()) {
                return null;
            }
            List<Map<Object, Date>> confirmed = new ArrayList<>((int) since);
            java.util.Iterator<Map<Object, Date>> newestFirst = lastEnded.descendingIterator();
            for (long i = 0; i < since; i++) {
                Map<Object, Date> one = newestFirst.next();
                if (one == UNKNOWN) {
                    return null;
                }
                confirmed.add(one);
            }
            return confirmed;
        }
    }

    /**
     * The upserts of this bulk write: a record older than the version stored is not written, but counted as
     * stale and listed with its reason in its file's {@code .rejected.ndjson}. The body is what each query of
     * {@link #storedVersions} found, grouped.
     */
    public List<WriteModel<Document>> newestOnly(@Body List<List<Document>> found, @ExchangeProperty(WRITE) Write write, Exchange exchange) {
        exchange.getMessage().removeHeader(MongoDbConstants.FIELDS_PROJECTION);
        Map<Object, Date> storedDates = new HashMap<>(write.byNumber.size() * 2);
        int storedCount = 0;
        for (List<Document> stored : write.storedAhead != null ? List.of(write.storedAhead) : found) {
            for (Document doc : stored) {
                // a stored version without a date (written by something else) is replaced
                if (doc.get("updatedAt") instanceof Date updatedAt) {
                    storedDates.put(doc.get("number"), updatedAt);
                }
                storedCount++;
            }
        }
        storedShare = (double) storedCount / Math.max(1, write.byNumber.size());
        if (write.endedSince != null) {
            // read ahead while earlier bulk writes were written: what they wrote is stored now
            for (Map<Object, Date> confirmed : write.endedSince) {
                confirmed.forEach((number, date) -> {
                    if (write.byNumber.containsKey(number)) {
                        storedDates.merge(number, date, (a, b) -> a.after(b) ? a : b);
                    }
                });
            }
        }
        write.storedAhead = null;
        write.endedSince = null;
        // unordered: a record MongoDB refuses does not stop the others of the write (see partlyWritten)
        exchange.getMessage().setHeader(MongoDbConstants.BULK_ORDERED, false);
        List<WriteModel<Document>> upserts = new ArrayList<>(write.byNumber.size());
        for (Pending record : write.byNumber.values()) {
            Date current = storedDates.get(record.number());
            if (current != null && record.updatedAt().before(current)) {
                record.file().stale(record, "stale: lastUpdateDate " + record.updatedAt().toInstant()
                        + " is older than the stored version's " + current.toInstant() + "; the stored version is kept");
                continue;
            }
            write.written.add(record);
            upserts.add(new UpdateOneModel<>(Filters.eq("number", record.number()), new Document("$set", record.fields()), UPSERT));
        }
        write.sent = !upserts.isEmpty();
        return upserts;
    }

    /** Counts what one bulk write did, for each file whose records it held. */
    public void written(@Body BulkWriteResult result, @ExchangeProperty(WRITE) Write write) {
        count(write, result.getUpserts(), Map.of());
        ended(write, write.confirmed);
    }

    /** Counts each record of a bulk write as upserted (and new, when inserted), or rejected with MongoDB's reason. */
    private static void count(Write write, List<BulkWriteUpsert> inserted, Map<Integer, BulkWriteError> refused) {
        for (int i = 0; i < write.written.size(); i++) {
            Pending record = write.written.get(i);
            BulkWriteError error = refused.get(i);
            if (error != null) {
                record.file().reject(record.index(), record.record(),
                        List.of("refused by MongoDB (code " + error.getCode() + "): " + error.getMessage()));
            } else {
                record.file().stats.increment("upserted");
                write.confirmed.put(record.number(), record.updatedAt());
            }
        }
        for (BulkWriteUpsert upsert : inserted) {
            write.written.get(upsert.getIndex()).file().stats.increment("new");
        }
    }

    /**
     * The upserts MongoDB refused in an unordered bulk write (a unique index other than on number, a document too
     * large): each refused record is rejected alone, with MongoDB's reason, in its file's
     * {@code .rejected.ndjson}; the others of the write are in and counted. Anything else fails the batch.
     */
    public String partlyWritten(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception caught,
                                @ExchangeProperty(WRITE) Write write) throws Exception {
        MongoBulkWriteException refused = org.apache.camel.util.ObjectHelper.getException(MongoBulkWriteException.class, caught);
        if (refused == null || refused.getWriteErrors().isEmpty() || refused.getWriteConcernError() != null) {
            throw caught;
        }
        Map<Integer, BulkWriteError> byIndex = new HashMap<>();
        refused.getWriteErrors().forEach(error -> byIndex.put(error.getIndex(), error));
        count(write, refused.getWriteResult().getUpserts(), byIndex);
        ended(write, write.confirmed);
        return String.format("MongoDB refused %d of %d records of a bulk write; each is kept with its reason in its"
                + " file's .rejected.ndjson, the others are in", byIndex.size(), write.written.size());
    }

    /**
     * The route is stopping in the middle of a batch (its bulk write refused by a stopping thread pool): the
     * batch's files stay in the inbound folder, untouched, and are read again at the next start.
     */
    public String leaveFiles(Exchange exchange) {
        exchange.setProperty(LEAVE, Boolean.TRUE);
        Batch batch = exchange.getProperty(RUN, Batch.class);
        int files;
        if (batch != null) {
            batch.close();
            files = batch.files.size();
        } else {
            readAheadOf(exchange).values().forEach(FileRun::closeQuietly);
            files = exchange.getMessage().getBody() instanceof List<?> list ? list.size() : 1;
        }
        return "route stopping: the batch's " + files + " files stay in the inbound folder and are read again at the next start";
    }

    /** Ends a batch whose records are all in MongoDB: one line per file; unreadable files go to the error folder. */
    public String finish(@ExchangeProperty(RUN) Batch batch) throws IOException {
        return batch.finish(null);
    }

    /**
     * Ends a batch that failed for another reason than MongoDB being unreachable: every file of it goes to the
     * error folder with {@code <file>.error.json} stating why (the records already written stay).
     */
    public String rejectBatch(Exchange exchange) throws IOException {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        Batch batch = exchange.getProperty(RUN, Batch.class);
        if (batch == null) {
            Object body = exchange.getMessage().getBody();
            @SuppressWarnings("unchecked")
            List<File> files = body instanceof List<?> list ? (List<File>) list
                    : List.of(exchange.getMessage().getBody(File.class));
            batch = new Batch(files, readAheadOf(exchange));
        }
        return batch.finish(reason(cause));
    }

    @SuppressWarnings("unchecked")
    private static Map<File, FileRun> readAheadOf(Exchange batch) {
        Map<File, FileRun> runs = batch.getProperty(READ_AHEAD + ".all", Map.class);
        return runs != null ? runs : Map.of();
    }

    /**
     * Moves a file whose batch has ended to the done folder, or to the error folder when it was rejected whole,
     * replacing a file of that name there (the file component itself leaves it in place: {@code noop}); one left
     * incomplete stays in the inbound folder. One rename, not Camel's rename strategy, which copies the exchange and
     * binds the file's headers again for each file; and {@code File.renameTo}, the rename alone, where
     * {@code Files.move} first reads both files' attributes (a third of its cost), and only when that fails
     * {@code Files.move}, for its reason. A file that cannot be moved stays in the
     * inbound folder and is read again (its records are upserts).
     */
    private void moveOut(Exchange exchange) {
        GenericFile<?> file = exchange.getProperty(org.apache.camel.component.file.FileComponent.FILE_EXCHANGE_FILE, GenericFile.class);
        if (incompleteFiles.isLeft(file.getFileNameOnly())) {
            return;
        }
        String rejected = rejectedFiles.remove(file.getFileNameOnly());
        Path from = Path.of(file.getAbsoluteFilePath());
        Path to = rejected != null ? Path.of(rejected) : doneDir.resolve(file.getFileNameOnly());
        // rename(2) replaces a file of that name in the folder, as REPLACE_EXISTING does
        if (from.toFile().renameTo(to.toFile())) {
            return;
        }
        try {
            try {
                Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
            } catch (NoSuchFileException e) {
                if (!Files.exists(from)) {
                    throw e;
                }
                // the done or error folder was removed while the app ran
                Files.createDirectories(to.getParent());
                Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.warn("{}: not moved to {} ({}); it stays in the inbound folder and is read again", file.getFileNameOnly(), to, e.toString());
        }
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

    /** A valid record waiting for its bulk write. */
    record Pending(FileRun file, long index, JsonNode record, Object number, Date updatedAt, Document fields) {
    }

    /** One bulk write: at most one record per work order, the newest seen (ties: the later one). */
    public static final class Write {
        final Map<Object, Pending> byNumber = new LinkedHashMap<>();
        final List<Pending> written = new ArrayList<>();
        // the versions this bulk write put in, once it is written
        final Map<Object, Date> confirmed = new HashMap<>();
        // the stored versions, read ahead (null: read by the route) once this many bulk writes had ended, and what
        // those ended since then put in
        List<Document> storedAhead;
        long seenEnded;
        List<Map<Object, Date>> endedSince;
        // sent to MongoDB (some upserts left), and ended (written, or partly: what it put in is known)
        boolean sent;
        boolean ended;

        /** Adds a record; an older version of the same work order already in this write, or this one, is stale. */
        void add(Pending record) {
            Pending other = byNumber.get(record.number());
            if (other == null) {
                byNumber.put(record.number(), record);
            } else if (!record.updatedAt().before(other.updatedAt())) {
                other.file().stale(other, "stale: a newer or equal version (lastUpdateDate " + record.updatedAt().toInstant()
                        + ") follows in " + record.file().name + " at index " + record.index() + "; that one is imported");
                byNumber.put(record.number(), record);
            } else {
                record.file().stale(record, "stale: lastUpdateDate " + record.updatedAt().toInstant() + " is older than "
                        + other.updatedAt().toInstant() + " of the version in " + other.file().name + " at index "
                        + other.index() + "; that one is imported");
            }
        }

        int size() {
            return byNumber.size();
        }
    }

    /** The files of one poll: reads their records in order, lazily, and hands out bulk writes of up to batchSize records. */
    public final class Batch implements Iterator<Write> {

        private final List<FileRun> files = new ArrayList<>();
        private final Instant startedAt = Instant.now();
        private int current;
        private int writes;
        private Write next;
        // the next bulk write, being read on the reader thread while the one before it is written
        private Future<Write> reading;
        // whether the files may hold more records, as of the last bulk write read
        private boolean more = true;
        // the last bulk write handed out
        private Write last;

        Batch(List<File> files, Map<File, FileRun> readAhead) {
            files.forEach(f -> this.files.add(readAhead.containsKey(f) ? readAhead.get(f) : new FileRun(f)));
        }

        /**
         * Does not wait for the bulk write being read: Camel's splitter asks right after taking one, before
         * writing it, and would otherwise wait for the next one each time instead of writing meanwhile.
         */
        @Override
        public boolean hasNext() {
            if (next == null && reading == null && more) {
                // the first bulk write, or any while the reader thread refuses work (the context stopping)
                next = read();
            }
            return (next != null && next.size() > 0) || reading != null;
        }

        /** The next bulk write, or null when the rest of the files held no valid record (the splitter skips it). */
        @Override
        public Write next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Write write = next != null ? next : awaitReading();
            next = null;
            // the records of the next bulk write are read, validated and translated while this one is written, and
            // its stored versions queried: what this one writes meanwhile is merged in (newestOnly), so the newest
            // version still wins
            if (more) {
                try {
                    double share = storedShare;
                    reading = reader.submit(() -> readNext(share));
                } catch (RejectedExecutionException stopping) {
                    reading = null;
                }
            }
            if (write.size() == 0) {
                return null;
            }
            writes++;
            last = write;
            return write;
        }

        /**
         * The bulk write being read on the reader thread, once read (not interrupted: it reads at most one bulk
         * write); read here instead if the reader was shut down before it began (a forced stop drops queued work).
         */
        private Write awaitReading() {
            boolean interrupted = false;
            try {
                while (true) {
                    try {
                        return reading.get(1, TimeUnit.SECONDS);
                    } catch (TimeoutException e) {
                        if (reader.isTerminated() && !reading.isDone()) {
                            reading.cancel(false);
                            return read();
                        }
                    } catch (InterruptedException e) {
                        interrupted = true;
                    } catch (ExecutionException e) {
                        if (e.getCause() instanceof RuntimeException runtime) {
                            throw runtime;
                        } else if (e.getCause() instanceof Error error) {
                            throw error;
                        }
                        throw new IllegalStateException(e.getCause());
                    }
                }
            } finally {
                reading = null;
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /**
         * Reads the first bulk write and its stored versions on the reader thread from now on, while the batches
         * before this one are written (the batch's thread then finds them read).
         */
        void readFirstAhead() {
            try {
                double share = storedShare;
                reading = reader.submit(() -> readNext(share));
            } catch (RejectedExecutionException stopping) {
                reading = null;
            }
        }

        /**
         * Closes every file of the batch, once the reader thread is done with them (on any end of the batch). A bulk
         * write sent that did not end (the batch failed) may have put in any of its records: stored versions read
         * ahead while it was written are queried again.
         */
        void close() {
            if (reading != null) {
                try {
                    awaitReading();
                } catch (RuntimeException ignored) {
                    // the batch has already ended on its own failure
                }
            }
            if (last != null && last.sent && !last.ended) {
                ended(last, UNKNOWN);
            }
            files.forEach(FileRun::closeQuietly);
        }

        /**
         * The next bulk write and, if it can, its stored versions (queries sized by {@code storedShare} as of now),
         * read while earlier bulk writes are written.
         */
        private Write readNext(double storedShare) {
            Write write = read();
            java.util.function.Function<Bson, List<Document>> find = storedVersionsAhead;
            if (find != null && write.size() > 0 && System.nanoTime() - storedVersionsAheadFailedAt > READ_AHEAD_PAUSE_NANOS) {
                try {
                    // counted before the query: any bulk write ending from now on may be missing from what it finds
                    write.seenEnded = endedWrites();
                    List<Document> stored = new ArrayList<>();
                    for (Bson query : queries(write, storedShare)) {
                        stored.addAll(find.apply(query));
                    }
                    write.storedAhead = stored;
                } catch (RuntimeException e) {
                    // MongoDB unreachable or the like: the route queries them itself, with its redeliveries, and
                    // none is read ahead for a while (a stop or a batch ending does not wait for a query timing out)
                    write.storedAhead = null;
                    storedVersionsAheadFailedAt = System.nanoTime();
                }
            }
            return write;
        }

        private Write read() {
            Write write = new Write();
            while (write.size() < batchSize && current < files.size()) {
                FileRun file = files.get(current);
                Pending record;
                try {
                    record = file.next();
                } catch (RuntimeException | IOException e) {
                    file.failed(e);
                    current++;
                    continue;
                }
                if (record == null) {
                    current++;
                } else if (record != FileRun.REJECTED) {
                    write.add(record);
                }
            }
            more = current < files.size();
            return write;
        }

        /**
         * Closes every file; logs one line each; a file that failed (or every file, given a reason) goes to the error
         * folder; one not complete when read stays in the inbound folder (none of its records was written), until its
         * time is up.
         */
        String finish(String batchFailure) throws IOException {
            close();
            long records = 0;
            int rejected = 0;
            int left = 0;
            for (FileRun file : files) {
                if (file.incomplete != null) {
                    file.failed = incompleteFiles.leave(file.name, file.listedLength, file.listedModified(), file.incomplete);
                    if (file.failed == null) {
                        left++;
                        continue;
                    }
                } else {
                    incompleteFiles.forget(file.name);
                }
                if (batchFailure != null && file.failed == null) {
                    file.failed = batchFailure;
                }
                file.stats.finish();
                if (file.failed != null) {
                    rejected++;
                    rejectFile(file);
                } else {
                    LOG.info("{}", state.runFinished(file.stats));
                }
                records += file.stats.get("read");
            }
            return String.format("batch of %d files: %d records in %d bulk writes, %d files rejected%s, in %d ms",
                    files.size(), records, writes, rejected, left > 0 ? ", " + left + " left incomplete in the inbound folder" : "",
                    Duration.between(startedAt, Instant.now()).toMillis());
        }

        private void rejectFile(FileRun file) throws IOException {
            file.stats.add("filesRejected", 1);
            file.stats.error(file.name, file.failed);
            state.runFinished(file.stats);
            ObjectNode sidecar = mapper.createObjectNode()
                    .put("file", file.name)
                    .put("reason", file.failed)
                    .put("failedAt", Instant.now().toString())
                    .put("recordsRead", file.stats.get("read"))
                    .put("recordsUpserted", file.stats.get("upserted"))
                    .put("recordsRejected", file.stats.get("rejected"))
                    .put("recordsStale", file.stats.get("stale"));
            Files.createDirectories(errorDir);
            mapper.writerWithDefaultPrettyPrinter().writeValue(errorDir.resolve(file.name + ".error.json").toFile(), sidecar);
            rejectedFiles.put(file.name, errorDir.resolve(file.name).toString());
            LOG.warn("{}: rejected, moved to the error folder: {}", file.name, file.failed);
        }
    }

    /** One file of a batch: its records, its stats, its rejected records. */
    final class FileRun {

        static final Pending REJECTED = new Pending(null, -1, null, null, null, null);

        private final File path;
        private final String name;
        private final SyncStats stats;
        // the size and time the file consumer listed it with (-1: not known)
        private final long listedLength;
        private final long listedModified;
        private FileRecords records;
        private BufferedWriter rejects;
        private boolean rejectsStarted;
        private boolean ended;
        private String failed;
        // why the file was not complete when read: it stays in the inbound folder (see IncompleteFiles)
        private String incomplete;
        // a file read ahead: its bytes (until its records are read from them), or why reading it failed
        private byte[] content;
        private Exception readAheadFailure;
        private long heldBytes;

        FileRun(File path) {
            this(path, -1, -1);
        }

        FileRun(File path, long listedLength, long listedModified) {
            this.path = path;
            this.name = path.getName();
            this.listedLength = listedLength;
            this.listedModified = listedModified;
            this.stats = new SyncStats("workorders-inbound", name, "read", "upserted", "new", "rejected", "stale");
        }

        /**
         * Reads the whole (small) file's bytes now, on the file consumer's thread; {@link #next} then parses,
         * validates and translates them on the thread building the bulk writes, like a streamed file's, or fails
         * where reading the file failed.
         */
        void readAll(long bytes) {
            heldBytes = bytes;
            try {
                content = Files.readAllBytes(path.toPath());
            } catch (IOException | RuntimeException e) {
                readAheadFailure = e;
            }
        }

        /**
         * The next valid record, {@link #REJECTED} for an invalid one, or null at the end of the file. None before the
         * whole file is known to be sound JSON ({@link FileRecords}).
         */
        Pending next() throws IOException {
            Exception failure = readAheadFailure;
            if (failure != null) {
                readAheadFailure = null;
                ended = true;
                if (failure instanceof IOException io) {
                    throw io;
                }
                throw (RuntimeException) failure;
            }
            if (ended) {
                return null;
            }
            if (records == null) {
                records = new FileRecords(mapper, path, content, listedLength, listedModified);
                content = null;
            }
            JsonNode record;
            try {
                record = records.next();
            } catch (RuntimeException | IOException e) {
                stats.add("read", records.readBeforeFailure());
                throw e;
            }
            if (record == null) {
                ended = true;
                closeRecords();
                return null;
            }
            stats.increment("read");
            return validate(record, records.index());
        }

        /** The time the file was listed with (or, not known, its time now). */
        long listedModified() {
            return listedModified >= 0 ? listedModified : path.lastModified();
        }

        /** The file could not be read: why, or why it is not complete yet (then it stays in the inbound folder). */
        void failed(Exception e) {
            if (e instanceof IncompleteFileException) {
                incomplete = e.getMessage();
            } else {
                failed = reason(e);
            }
            closeQuietly();
        }

        private Pending validate(JsonNode record, long index) {
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
            return new Pending(this, index, record, fields.get("number"), fields.getDate("updatedAt"), fields);
        }

        private Pending reject(long index, JsonNode record, List<String> reasons) {
            stats.increment("rejected");
            writeRejected(index, record, reasons);
            return REJECTED;
        }

        void stale(Pending record, String reason) {
            stats.increment("stale");
            writeRejected(record.index(), record.record(), List.of(reason));
        }

        // synchronized: the reader thread rejects records of a file while the batch's thread lists its stale ones
        private synchronized void writeRejected(long index, JsonNode record, List<String> reasons) {
            ObjectNode line = mapper.createObjectNode().put("file", name).put("index", index);
            if (record.has("orderNo")) {
                line.set("orderNo", record.get("orderNo"));
            }
            line.putPOJO("reasons", reasons);
            line.set("record", record);
            try {
                if (rejects == null) {
                    // a stale record may be found after the file was closed: then it is appended
                    Files.createDirectories(errorDir);
                    rejects = rejectsStarted
                            ? Files.newBufferedWriter(errorDir.resolve(name + ".rejected.ndjson"), StandardCharsets.UTF_8,
                                    java.nio.file.StandardOpenOption.APPEND)
                            : Files.newBufferedWriter(errorDir.resolve(name + ".rejected.ndjson"), StandardCharsets.UTF_8);
                    rejectsStarted = true;
                }
                rejects.write(mapper.writeValueAsString(line));
                rejects.newLine();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write rejected record to " + errorDir, e);
            }
        }

        private void closeRecords() throws IOException {
            if (records != null) {
                records.close();
            }
        }

        synchronized void closeQuietly() {
            ended = true;
            content = null;
            if (heldBytes > 0) {
                readAheadBytes.addAndGet(-heldBytes);
                heldBytes = 0;
            }
            try {
                closeRecords();
            } catch (IOException ignored) {
                // nothing left to read from it
            }
            try {
                if (rejects != null) {
                    rejects.close();
                    rejects = null;
                }
            } catch (IOException e) {
                failed = failed != null ? failed : "cannot write " + name + ".rejected.ndjson: " + e.getMessage();
            }
        }
    }
}
