package io.syncroutes.shared;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.WriteModel;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The run recorder: one document per finished run of a flow in {@code sync_runs}, and one ledger entry per write made
 * elsewhere (Ivanti, Qargo, an exported file) or per deletion in {@code sync_ledger}. Both are queued and written in
 * batches on a thread of their own, so a flow never waits for them; {@link #flush} waits for what is queued (at a
 * run's end, before the app stops). Kept {@code retention} long: a TTL index, and a purge on a timer for servers that
 * ignore TTL indexes (the embedded one).
 */
public final class SyncRuns {

    public static final String RUNS = "sync_runs";
    public static final String LEDGER = "sync_ledger";

    private static final Logger LOG = LoggerFactory.getLogger(SyncRuns.class);
    private static final int BATCH = 1_000;
    private static final int QUEUE = 100_000;
    private static final int ATTEMPTS = 5;
    private static final int LEDGER_ENTRIES = 20;

    private final MongoCollection<Document> runs;
    private final MongoCollection<Document> ledger;
    private final Duration retention;
    private final Document instance;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>(QUEUE);
    private final Object progress = new Object();
    private long queued;
    private long written;
    private final Thread writer;
    private volatile boolean closed;
    private volatile ScheduledExecutorService purger;
    private volatile boolean indexed;

    /** A run document or a ledger entry waiting to be written, with its place in the queue. */
    private record Pending(boolean run, Document doc, long seq) {
    }

    public SyncRuns(MongoDatabase db, Duration retention) {
        this.runs = db.getCollection(RUNS);
        this.ledger = db.getCollection(LEDGER);
        this.retention = retention;
        this.instance = new Document("host", hostName()).append("pid", ManagementFactory.getRuntimeMXBean().getPid());
        this.writer = new Thread(this::writeLoop, "sync-runs-writer");
        writer.setDaemon(true);
        writer.start();
    }

    public Duration retention() {
        return retention;
    }

    MongoCollection<Document> runsCollection() {
        return runs;
    }

    MongoCollection<Document> ledgerCollection() {
        return ledger;
    }

    /**
     * The indexes: runs listed by flow and start ({@code flow, startedAt}; {@code flow} alone for servers that use an
     * index only for a query on exactly its keys); TTL on a run's end and on a ledger document's last entry. The
     * ledger keeps one document per record ({@code _id} {@code <flow>:<key>}), its entries in an array: found by
     * {@code _id}, the one index the embedded server uses for any query.
     */
    public void ensureIndexes() {
        runs.createIndex(Indexes.compoundIndex(Indexes.ascending("flow"), Indexes.descending("startedAt")), new IndexOptions().name("flow_startedAt"));
        runs.createIndex(Indexes.ascending("flow"), new IndexOptions().name("flow"));
        ttl(runs, "endedAt");
        ttl(ledger, "at");
    }

    private void ttl(MongoCollection<Document> collection, String field) {
        IndexOptions options = new IndexOptions().name(field + "_ttl").expireAfter(retention.toSeconds(), TimeUnit.SECONDS);
        try {
            collection.createIndex(Indexes.ascending(field), options);
        } catch (MongoCommandException changed) {
            // another retention than the index was made with: made again with this one
            collection.dropIndex(field + "_ttl");
            collection.createIndex(Indexes.ascending(field), options);
        }
    }

    /** Records a finished run (queued; written in the background). */
    public void ended(SyncStats stats) {
        Document doc = new Document("_id", stats.runId()).append("flow", stats.flow()).append("subject", stats.subject())
                .append("instance", instance).append("trigger", stats.trigger())
                .append("startedAt", Date.from(stats.startedAt()))
                .append("endedAt", Date.from(stats.finishedAt() != null ? stats.finishedAt() : Instant.now()))
                .append("durationMs", stats.elapsed().toMillis())
                .append("counts", new Document(new LinkedHashMap<>(stats.counters())));
        List<Document> errors = new ArrayList<>();
        stats.errors().forEach((key, reason) -> errors.add(new Document("key", key).append("reason", reason)));
        doc.append("errors", errors).append("errorCount", Math.max(stats.errorCount(), errors.size())).append("dryRun", stats.dryRun());
        if (stats.plan() != null) {
            doc.append("plan", stats.plan());
        }
        enqueue(true, doc);
    }

    /**
     * Records one write made elsewhere or one deletion: the record's flow and key (a work order number, a product id,
     * a Qargo unavailability id), what was done, where it came from, by which run.
     */
    public void ledger(String flow, String key, String action, Map<String, Object> source, String runId, Date at) {
        enqueue(false, new Document("flow", flow).append("key", key).append("action", action)
                .append("source", source == null ? null : new Document(source)).append("runId", runId).append("at", at));
    }

    private void enqueue(boolean run, Document doc) {
        if (closed) {
            LOG.warn("run recorder closed: {} not recorded: {}", run ? "run" : "ledger entry", doc.toJson());
            return;
        }
        long seq;
        synchronized (progress) {
            seq = ++queued;
        }
        try {
            // a full queue (MongoDB far behind) holds the flow back rather than dropping what it did
            queue.put(new Pending(run, doc, seq));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("interrupted: {} not recorded: {}", run ? "run" : "ledger entry", doc.toJson());
            markWritten(seq);
        }
    }

    /** Waits (up to {@code wait}) until everything queued so far is written; false when that did not happen in time. */
    public boolean flush(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (progress) {
            long target = queued;
            while (written < target) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0 || !writer.isAlive()) {
                    return false;
                }
                try {
                    progress.wait(Math.min(left, 100));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>(BATCH);
        while (!(closed && queue.isEmpty())) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                write(batch);
            } catch (InterruptedException e) {
                if (!closed) {
                    continue;
                }
                Thread.currentThread().interrupt();
                return;
            } finally {
                if (!batch.isEmpty()) {
                    markWritten(batch.get(batch.size() - 1).seq());
                    batch.clear();
                }
            }
        }
    }

    private void write(List<Pending> batch) throws InterruptedException {
        List<WriteModel<Document>> runWrites = new ArrayList<>();
        Map<String, List<Document>> byRecord = new LinkedHashMap<>();
        for (Pending pending : batch) {
            if (pending.run()) {
                runWrites.add(new ReplaceOneModel<>(Filters.eq("_id", pending.doc().get("_id")), pending.doc(), new ReplaceOptions().upsert(true)));
            } else {
                Document entry = pending.doc();
                byRecord.computeIfAbsent(entry.getString("flow") + ":" + entry.getString("key"), id -> new ArrayList<>()).add(entry);
            }
        }
        List<WriteModel<Document>> entries = new ArrayList<>(byRecord.size());
        byRecord.forEach((id, added) -> entries.add(ledgerWrite(id, added)));
        for (int attempt = 1; ; attempt++) {
            try {
                if (!runWrites.isEmpty()) {
                    runs.bulkWrite(runWrites, new BulkWriteOptions().ordered(false));
                    runWrites = List.of();
                }
                if (!entries.isEmpty()) {
                    ledger.bulkWrite(entries, new BulkWriteOptions().ordered(false));
                }
                return;
            } catch (RuntimeException e) {
                if (attempt >= ATTEMPTS || closed) {
                    LOG.warn("{} run document(s) and {} ledger entries not recorded after {} attempt(s): {}", runWrites.size(), entries.size(),
                            attempt, Failures.excerpt(String.valueOf(e.getMessage())));
                    return;
                }
                Thread.sleep(500L << attempt);
            }
        }
    }

    /** The upsert adding entries to a record's ledger document (the last {@value #LEDGER_ENTRIES} kept). */
    private static WriteModel<Document> ledgerWrite(String id, List<Document> added) {
        Document first = added.get(0);
        Date last = added.stream().map(e -> e.getDate("at")).max(Date::compareTo).orElseGet(Date::new);
        List<Document> kept = new ArrayList<>(added.size());
        added.forEach(e -> kept.add(new Document("action", e.get("action")).append("source", e.get("source"))
                .append("runId", e.get("runId")).append("at", e.get("at"))));
        return new UpdateOneModel<>(Filters.eq("_id", id), new Document("$set",
                new Document("flow", first.get("flow")).append("key", first.get("key")).append("at", last))
                .append("$push", new Document("entries", new Document("$each", kept).append("$slice", -LEDGER_ENTRIES))),
                new UpdateOptions().upsert(true));
    }

    private void markWritten(long seq) {
        synchronized (progress) {
            written = Math.max(written, seq);
            progress.notifyAll();
        }
    }

    /** Removes runs and ledger entries older than the retention; returns how many of each. */
    public long[] purge() {
        Date before = Date.from(Instant.now().minus(retention));
        return new long[] {runs.deleteMany(Filters.lt("endedAt", before)).getDeletedCount(),
            ledger.deleteMany(Filters.lt("at", before)).getDeletedCount()};
    }

    /** Makes the indexes (retried until MongoDB answers), then purges every {@code period}, in the background. */
    public synchronized void startPurging(Duration period) {
        if (purger != null) {
            return;
        }
        purger = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "sync-runs-purge");
            thread.setDaemon(true);
            return thread;
        });
        // the first purge one period after the start: a purge scans (the embedded server uses no index for a range)
        long[] nextPurge = {System.currentTimeMillis() + period.toMillis()};
        // every 30 s (or the period, if shorter): the indexes until made, the purge once its period has passed
        long tick = Math.min(period.toMillis(), 30_000);
        purger.scheduleWithFixedDelay(() -> {
            try {
                if (!indexed) {
                    ensureIndexes();
                    indexed = true;
                }
                if (System.currentTimeMillis() < nextPurge[0]) {
                    return;
                }
                long[] removed = purge();
                nextPurge[0] = System.currentTimeMillis() + period.toMillis();
                if (removed[0] + removed[1] > 0) {
                    LOG.info("sync runs purge: {} run(s) and {} ledger entries older than {} days removed", removed[0], removed[1], retention.toDays());
                }
            } catch (RuntimeException e) {
                LOG.debug("sync runs indexes or purge failed ({}); tried again in {} ms", Failures.excerpt(String.valueOf(e.getMessage())), tick);
            }
        }, 0, tick, TimeUnit.MILLISECONDS);
    }

    /** Writes what is queued (up to {@code wait}), then stops: called before MongoDB goes away. */
    public void close(Duration wait) {
        synchronized (this) {
            if (purger != null) {
                purger.shutdownNow();
                purger = null;
            }
        }
        if (!flush(wait)) {
            LOG.warn("{} run document(s) or ledger entries still queued when the app stopped: not recorded", queue.size());
        }
        closed = true;
        writer.interrupt();
    }

    /** The runs of {@code flow} (all flows when blank), newest first. */
    public List<Document> list(String flow, int limit) {
        Bson query = flow == null || flow.isBlank() ? new Document() : new Document("flow", flow);
        String order = flow == null || flow.isBlank() ? "_id" : "startedAt";
        return runs.find(query).sort(Indexes.descending(order)).limit(limit).into(new ArrayList<>());
    }

    /** One run, or null. */
    public Document run(String id) {
        return runs.find(Filters.eq("_id", id)).first();
    }

    /** The ledger entries of one record (found by {@code _id}), oldest first. */
    public List<Document> ledgerOf(String flow, String key) {
        Document record = ledger.find(Filters.eq("_id", flow + ":" + key)).first();
        List<Document> entries = new ArrayList<>();
        if (record != null && record.get("entries") instanceof List<?> list) {
            list.stream().filter(Document.class::isInstance).map(Document.class::cast).filter(e -> e.get("at") instanceof Date).forEach(entries::add);
        }
        entries.sort((a, b) -> a.getDate("at").compareTo(b.getDate("at")));
        return entries;
    }

    /** The runs of these ids, by id. */
    public Map<String, Document> runs(List<String> ids) {
        Map<String, Document> found = new LinkedHashMap<>();
        if (!ids.isEmpty()) {
            runs.find(Filters.in("_id", ids)).forEach(doc -> found.put(doc.getString("_id"), doc));
        }
        return found;
    }

    private static String hostName() {
        String host = System.getenv("HOSTNAME");
        if (host != null && !host.isBlank()) {
            return host;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
