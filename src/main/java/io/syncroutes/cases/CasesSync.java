package io.syncroutes.cases;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncroutes.shared.DryRunPlan;
import io.syncroutes.shared.Failures;
import io.syncroutes.shared.FlowState;
import io.syncroutes.shared.InvalidInputException;
import io.syncroutes.shared.LongSet;
import io.syncroutes.shared.Provenance;
import io.syncroutes.shared.RunSummary;
import io.syncroutes.shared.SyncStats;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.bson.Document;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * The timed pull of Intempus cases into MongoDB ({@code routes/cases.camel.yaml}, route {@code cases-sync}). Each run
 * is a full walk (every {@code INTEMPUS_FULL_SYNC_INTERVAL_MS}, or when there is no stored state) or a delta
 * ({@code logical_timestamp__gt} the stored watermark). A page's cases are inserted when missing, replaced when
 * their logical timestamp is greater, left alone otherwise, in one bulk write. Only a complete full walk deletes
 * local cases it did not see. The watermark and the last full sync are stored only when a run completes, so a
 * failed run changes nothing and the next one starts from the same point. A dry run reads and compares the same way,
 * writes nothing (cases, deletions, sync state) and reports its plan.
 */
public final class CasesSync {

    /** Exchange property holding the run in progress. */
    public static final String RUN = "casesRun";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Bytes of a page kept aside while it is parsed, to show when it turns out not to be JSON. */
    private static final int PEEK = 256;

    private final CasesStore store;
    private final String authorization;
    private final int pageSize;
    private final Duration fullInterval;
    private final FlowState flow;
    private final IntempusAnswers answers;
    private final Clock clock;
    private final boolean dryRun;
    private volatile Instant lastSuccessAt;

    CasesSync(CasesStore store, String authorization, int pageSize, Duration fullInterval, FlowState flow,
            IntempusAnswers answers, Clock clock, boolean dryRun) {
        this.store = store;
        this.authorization = authorization;
        this.pageSize = pageSize;
        this.fullInterval = fullInterval;
        this.flow = flow;
        this.answers = answers;
        this.clock = clock;
        this.dryRun = dryRun;
        flow.lag("seconds since the last successful sync run", this::secondsSinceLastSuccess);
    }

    /** One run: its mode, where the walk is, what it has seen. */
    static final class Run {
        final boolean full;
        final CasesStore.SyncMark mark;
        final SyncStats stats;
        /** A dry run's plan (null when the run writes). */
        final DryRunPlan plan;
        final LongSet seen;
        /** A full walk's stored timestamps, read once at its start (one cursor instead of one query per page). */
        Map<Long, Long> stored;
        long offset;
        boolean more = true;
        Long remoteMaxAtStart;
        long maxSeen = Long.MIN_VALUE;
        long firstTotal = -1;
        /** Remote cases without a usable id (rejected): counted against total_count, never stored. */
        long unidentified;
        long lastTotal = -1;

        Run(boolean full, CasesStore.SyncMark mark, boolean dryRun) {
            this.full = full;
            this.mark = mark;
            this.stats = new SyncStats("cases", full ? "cases full sync" : "cases delta sync",
                    "pages", "inserted", "updated", "deleted", "unchanged");
            this.plan = dryRun ? new DryRunPlan("cases", stats.subject(), "inserted", "updated", "deleted") : null;
            this.seen = full ? new LongSet() : null;
        }
    }

    /** Starts a run: full when none completed yet or the last full sync is older than the full-sync interval, else delta. */
    public void begin(Exchange exchange) {
        CasesStore.SyncMark mark = store.mark();
        if (lastSuccessAt == null) {
            lastSuccessAt = mark.lastSuccessAt();
        }
        boolean full = mark.watermark() == null || mark.lastFullAt() == null
                || !clock.instant().isBefore(mark.lastFullAt().plus(fullInterval));
        Run run = new Run(full, mark, dryRun);
        run.stats.trigger(Provenance.trigger(exchange));
        if (full) {
            run.stored = store.allTimestamps();
        }
        exchange.setProperty(RUN, run);
    }

    /** Whether the run has another page to fetch (the loop's condition). */
    public boolean hasNextPage(Exchange exchange) {
        Run run = run(exchange);
        // no run: it failed (the error handler ended it) and the loop asks once more
        return run != null && run.more;
    }

    /** The request of the next page: {@code GET case/?limit=&offset=[&logical_timestamp__gt=]}, with the API key. */
    public void pageRequest(Exchange exchange) {
        Run run = run(exchange);
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setBody(null);
        message.setHeader(Exchange.HTTP_METHOD, "GET");
        message.setHeader(Exchange.HTTP_PATH, "case/");
        message.setHeader(Exchange.HTTP_QUERY, "limit=" + pageSize + "&offset=" + run.offset
                + (run.full ? "" : "&logical_timestamp__gt=" + run.mark.watermark()));
        message.setHeader("Authorization", authorization);
        message.setHeader("Accept", "application/json");
    }

    /** Applies one page: compares each case's logical timestamp with the stored one, then one bulk write. */
    public void page(Exchange exchange) throws IOException {
        Run run = run(exchange);
        Long remoteMax = parseLong(exchange.getMessage().getHeader("logical-timestamp", String.class));
        JsonNode root = readPage(exchange.getMessage());
        JsonNode meta = root.path("meta");
        JsonNode objects = root.path("objects");
        if (run.stats.get("pages") == 0) {
            run.remoteMaxAtStart = remoteMax;
            run.firstTotal = meta.path("total_count").asLong(-1);
        }
        run.lastTotal = meta.path("total_count").asLong(-1);
        run.stats.increment("pages");

        List<ObjectNode> valid = new ArrayList<>(objects.size());
        List<Long> ids = new ArrayList<>(objects.size());
        for (JsonNode item : objects) {
            if (item instanceof ObjectNode c && c.path("id").canConvertToLong() && c.path("id").isIntegralNumber()
                    && c.path(CasesStore.TIMESTAMP).isIntegralNumber()) {
                valid.add(c);
                ids.add(c.get("id").asLong());
            } else {
                // kept out of the store, but a case with an id still counts as seen: its local copy is not deleted
                if (run.seen != null && item.path("id").isIntegralNumber()) {
                    run.seen.add(item.path("id").asLong());
                } else {
                    run.unidentified++;
                }
                run.stats.increment("rejected");
                run.stats.error(item.path("id").isIntegralNumber() ? "case " + item.path("id").asLong() : "offset " + run.offset + " #" + valid.size(),
                        reason(item));
            }
        }
        Map<Long, Long> local = run.stored != null ? run.stored : store.timestamps(ids);
        List<Document> inserts = new ArrayList<>();
        List<Document> updates = new ArrayList<>();
        List<Long> updated = new ArrayList<>();
        for (ObjectNode c : valid) {
            long id = c.get("id").asLong();
            long ts = c.get(CasesStore.TIMESTAMP).asLong();
            run.maxSeen = Math.max(run.maxSeen, ts);
            if (run.seen != null) {
                run.seen.add(id);
            }
            Long stored = local.get(id);
            if (stored == null) {
                inserts.add(CasesStore.toDocument(c));
            } else if (ts > stored) {
                updates.add(CasesStore.toDocument(c));
                updated.add(id);
            }
        }
        long[] written;
        if (run.plan != null) {
            inserts.forEach(doc -> run.plan.add("inserted", doc.get("_id")));
            updates.forEach(doc -> run.plan.add("updated", doc.get("_id")));
            written = new long[] {inserts.size(), updates.size()};
        } else {
            stamp(run, inserts, updates, updated);
            written = store.apply(inserts, updates);
        }
        run.stats.add("inserted", written[0]).add("updated", written[1]).add("unchanged", valid.size() - written[0] - written[1]);

        long limit = meta.path("limit").asLong(pageSize);
        run.offset = meta.path("offset").asLong(run.offset) + (limit > 0 ? limit : objects.size());
        run.more = !meta.path("next").isNull() && !meta.path("next").isMissingNode() && objects.size() > 0;
    }

    /**
     * Each case written gets its provenance in the same write: {@code _sync} names its Intempus id and logical
     * timestamp and this run; a replaced case keeps the history it had (read for those only).
     */
    private void stamp(Run run, List<Document> inserts, List<Document> updates, List<Long> updated) {
        Date now = new Date();
        Map<Long, Object> before = store.provenance(updated);
        for (List<Document> docs : List.of(inserts, updates)) {
            for (Document doc : docs) {
                doc.put(Provenance.FIELD, Provenance.stamp(run.stats.runId(), now, source(doc), before.get((Long) doc.get("_id"))));
            }
        }
    }

    static Map<String, Object> source(Document doc) {
        return Map.of("intempusId", doc.get("_id"), CasesStore.TIMESTAMP, doc.get(CasesStore.TIMESTAMP));
    }

    /**
     * Ends a complete run: a full walk deletes what it did not see (only when it saw every case Intempus counted and
     * the count did not move during the walk), then the watermark (Intempus' committed maximum when the run
     * started) and the run times are stored. Returns the stats (the route logs {@code summary()}).
     */
    public RunSummary finish(Exchange exchange) {
        Run run = run(exchange);
        exchange.removeProperty(RUN);
        Instant now = clock.instant();
        long walkStart = run.remoteMaxAtStart != null ? run.remoteMaxAtStart : run.maxSeen;
        boolean fullComplete = false;
        if (run.full) {
            if (run.firstTotal == run.lastTotal && run.seen.size() + run.unidentified == run.lastTotal) {
                if (run.plan != null) {
                    List<Long> unseen = store.unseen(run.seen, walkStart);
                    unseen.forEach(id -> run.plan.add("deleted", id));
                    run.stats.add("deleted", unseen.size());
                } else {
                    run.stats.add("deleted", store.deleteUnseen(run.seen, walkStart, id -> flow.ledger("cases", String.valueOf(id), "deleted",
                            Map.of("reason", "not in Intempus' complete list (full walk)"), run.stats.runId())));
                }
                fullComplete = true;
            } else {
                run.stats.error("deletions", "skipped: Intempus counted " + run.firstTotal + " then " + run.lastTotal
                        + " cases while the walk saw " + run.seen.size() + " (changed during the walk); the next run walks again");
            }
        }
        if (run.plan != null) {
            run.stats.finish();
            run.stats.errors().forEach(run.plan::error);
            flow.planFinished(run.plan.finish(), run.stats);
            return run.plan;
        }
        Long previous = run.mark.watermark();
        Long watermark;
        if (run.remoteMaxAtStart != null) {
            watermark = run.remoteMaxAtStart;
        } else if (run.maxSeen != Long.MIN_VALUE) {
            watermark = run.maxSeen;
        } else {
            watermark = previous;
        }
        if (!run.full && previous != null && watermark != null && watermark < previous) {
            watermark = previous;
        }
        if (!store.saveMark(run.mark.next(watermark, fullComplete ? now : run.mark.lastFullAt(), now))) {
            // two instances led at once for a moment (CLUSTER_SERVICE): the other's newer mark stays
            run.stats.error("sync state", "not saved: another instance saved the cases sync state during this run; its state is kept");
        }
        lastSuccessAt = now;
        run.stats.finish();
        flow.runFinished(run.stats);
        return run.stats;
    }

    /** A run that could not complete: nothing of the stored state changes, so the next run starts from the same point. One line. */
    public String failed(Exchange exchange) {
        Run run = exchange.getProperty(RUN, Run.class);
        exchange.removeProperty(RUN);
        String reason = answers.reason(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        String what = run == null ? "cases sync" : run.stats.subject();
        String line = what + " failed" + (run == null ? "" : " at offset " + run.offset + " after " + run.stats.get("pages") + " page(s)")
                + ": " + reason + "; sync state unchanged, the next run starts from the same point";
        flow.error("sync", line);
        if (run != null) {
            // a failed run is recorded too, with why
            run.stats.error("run", line);
            flow.recordRun(run.stats.finish());
        }
        return line;
    }

    /**
     * A page's body as JSON; an empty, non-JSON or non-page answer is refused (not retried) with what Intempus sent.
     * The page is parsed as it streams in; its first bytes are kept to show if it is not JSON.
     */
    private JsonNode readPage(Message message) throws IOException {
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class);
        InputStream body = message.getBody(InputStream.class);
        try (InputStream in = new BufferedInputStream(body == null ? InputStream.nullInputStream() : body)) {
            in.mark(PEEK);
            String head = new String(in.readNBytes(PEEK), StandardCharsets.UTF_8);
            in.reset();
            JsonNode root;
            try {
                root = JSON.readTree(in);
            } catch (JsonProcessingException notJson) {
                root = null;
            }
            if (root == null || root.isMissingNode()) {
                throw new InvalidInputException("no page of cases: " + answers.describe(status, head));
            }
            if (!root.path("objects").isArray() || !root.path("meta").isObject()) {
                throw new InvalidInputException("no page of cases: Intempus answered " + status
                        + " with JSON without meta/objects: " + answers.excerpt(head));
            }
            return root;
        }
    }

    /** Why a remote case cannot be stored. */
    private static String reason(JsonNode item) {
        if (!(item instanceof ObjectNode)) {
            return "not a JSON object: " + Failures.excerpt(item.toString());
        }
        if (!item.path("id").isIntegralNumber()) {
            return "no integer id (id=" + Failures.excerpt(item.path("id").toString()) + ")";
        }
        return "logical_timestamp is not an integer (" + Failures.excerpt(item.path(CasesStore.TIMESTAMP).toString()) + ")";
    }

    private long secondsSinceLastSuccess() {
        Instant last = lastSuccessAt;
        return last == null ? -1 : Math.max(0, Duration.between(last, clock.instant()).toSeconds());
    }

    private static Run run(Exchange exchange) {
        return exchange.getProperty(RUN, Run.class);
    }

    private static Long parseLong(String value) {
        try {
            return value == null ? null : Long.valueOf(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
