package io.syncroutes.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.WriteModel;
import io.syncroutes.infra.LogMasking;
import io.syncroutes.shared.Dates;
import io.syncroutes.shared.DryRunPlan;
import io.syncroutes.shared.Failures;
import io.syncroutes.shared.FlowState;
import io.syncroutes.shared.InvalidInputException;
import io.syncroutes.shared.OAuth2TokenProvider.TokenException;
import io.syncroutes.shared.PrefetchingIterator;
import io.syncroutes.shared.Provenance;
import io.syncroutes.shared.SyncState;
import io.syncroutes.shared.SyncStats;
import io.syncroutes.shared.VersionedState;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.support.SynchronizationAdapter;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URLEncoder;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * The resources flow's steps, called by {@code routes/resources.camel.yaml}: which resources to sync, the mode of
 * each (full when there is nothing to go on, delta otherwise), the lines requests, the streamed bulk writes, and
 * the count check that ends a run and keeps the state document ({@code sync_state}, {@code _id: focus_<resource>}).
 */
public class ResourcesSync {

    /** Collection of the state documents (one per resource). */
    public static final String STATE_COLLECTION = "sync_state";

    private static final Logger LOG = LoggerFactory.getLogger(ResourcesSync.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MongoDatabase db;
    // the state documents, saved by compare-and-set
    private final VersionedState states;
    private final String apiUrl;
    private final SyncState syncState;
    private final String businessService;
    private final String country;
    private final String lang;
    private final List<String> configured;
    private final int batchSize;
    private final String modeDescription;
    // the threads reading the next batch of lines while one is written
    private final Executor linesReaders;
    private final boolean dryRun;
    private final ResourceCollections collections = new ResourceCollections();
    private final Map<String, Long> lags = new ConcurrentHashMap<>();
    private volatile Instant lastFinished;

    /**
     * @param configured the resources to sync (empty: every resource of the schema)
     * @param linesReaders where the next batch of lines is read while one is written (a thread per read in flight)
     */
    public ResourcesSync(MongoDatabase db, String apiUrl, SyncState syncState, String businessService, String country, String lang,
                         List<String> configured, int batchSize, String modeDescription, boolean dryRun, Executor linesReaders) {
        this.db = db;
        this.states = new VersionedState(db.getCollection(STATE_COLLECTION));
        this.apiUrl = apiUrl;
        this.syncState = syncState;
        this.businessService = businessService;
        this.country = country;
        this.lang = lang;
        this.configured = List.copyOf(configured);
        this.batchSize = batchSize;
        this.modeDescription = modeDescription;
        this.linesReaders = linesReaders;
        this.dryRun = dryRun;
        runState();
        configured.forEach(this::flow);
    }

    /** Where the provenance of the rows is asked ({@code /observe/provenance/resources-<name>/<key>}). */
    public ResourcesSync provenance(Provenance provenance) {
        collections.provenance(provenance);
        return this;
    }

    /** Headers of the schema request. */
    public void schemaRequest(Exchange exchange) {
        request(exchange, "/api/v1/" + encode(businessService) + "/resource/schema", null);
    }

    /** The resources of this run: the configured ones (every one in the schema when none is configured). */
    public List<FocusResource> resources(@Body String schema) {
        Map<String, FocusResource> all = FocusResource.parseSchema(schema);
        List<FocusResource> chosen = new ArrayList<>();
        for (String name : configured.isEmpty() ? List.copyOf(all.keySet()) : configured) {
            FocusResource resource = all.get(name);
            String problem = resource == null ? "resource " + name + " is not in the Focus schema (FOCUS_RESOURCES)" : resource.problem();
            if (problem != null) {
                LOG.warn("Focus {}: skipped: {}", name, problem);
                flow(name).error(name, problem);
            } else {
                chosen.add(resource);
            }
        }
        return chosen;
    }

    /**
     * Starts the run of one resource: its collection's indexes (once), then full or delta from its state document;
     * returns the lines requests in order.
     */
    public List<ResourceRun.Query> prepare(@Body FocusResource resource, Exchange exchange) {
        MongoCollection<Document> rows = db.getCollection(resource.collection());
        if (!dryRun) {
            collections.ensureReady(resource, rows);
        }
        Document state = states.read(resource.collection());
        boolean empty = rows.estimatedDocumentCount() == 0;
        Object stored = state == null ? null : state.get("deltaTimestamp");
        Instant since = storedDeltaTimestamp(stored);
        String reason;
        if (state == null) {
            reason = "no state yet";
        } else if (state.getBoolean("fullReloadRequired", false)) {
            reason = "reload: " + state.getString("fullReloadReason");
        } else if (empty) {
            reason = "empty collection";
        } else if (stored == null) {
            reason = "no delta timestamp (no row has created_at/updated_at)";
        } else if (since == null) {
            reason = "the stored delta timestamp '" + stored + "' is not a date-time";
        } else if (!resource.deltaAllowed()) {
            reason = "the schema allows only full loads";
        } else {
            reason = null;
        }
        String base = "/api/v1/" + encode(businessService) + "/resource/" + encode(resource.name()) + "/" + encode(country) + "/";
        String langQuery = lang.isBlank() ? null : "lang=" + encode(lang);
        List<ResourceRun.Query> queries = new ArrayList<>();
        ResourceRun run;
        long runId = System.currentTimeMillis();
        if (reason != null) {
            queries.add(new ResourceRun.Query("full", base + "full/lines", langQuery));
            run = new ResourceRun(resource, true, reason, runId, null, !empty, queries);
        } else {
            String delta = ResourceRun.queryValue(since);
            String window = "delta_timestamp=" + encode(delta) + (langQuery == null ? "" : "&" + langQuery);
            for (String kind : List.of("created", "updated", "deleted")) {
                queries.add(new ResourceRun.Query(kind, base + kind + "/lines", window));
            }
            run = new ResourceRun(resource, false, "since " + delta + " UTC", runId, since, false, queries);
        }
        if (dryRun) {
            run.dryRun(new ResourcesDryRun(new DryRunPlan("resources", run.stats().subject(), "created", "updated", "deleted")));
        }
        run.stats().trigger(Provenance.trigger(exchange));
        String syncRunId = run.stats().runId();
        FlowState flow = flow(resource.name());
        // the rows a batch of deleted lines removes (those stored: a deleted line comes again on later runs)
        run.deletions(keys -> rows.find(Filters.in("_id", keys)).projection(Projections.include("_id")).forEach(row ->
                flow.ledger("resources-" + resource.name(), RowKeys.text(row.toBsonDocument().get("_id")), "deleted",
                        Map.of("resource", resource.name(), "kind", "deleted"), syncRunId)));
        exchange.setProperty(ResourceRun.PROPERTY, run.stateVersion(VersionedState.version(state)));
        exchange.setProperty("focusCollection", resource.collection());
        exchange.setProperty(SyncStats.PROPERTY, run.stats());
        LOG.debug("Focus {}: {} ({})", resource.name(), run.full() ? "full load" : "delta", run.reason());
        return run.queries();
    }

    /** Headers of one lines request. */
    public void linesRequest(@Body ResourceRun.Query query, Exchange exchange) {
        request(exchange, query.path(), query.query());
        exchange.setProperty("focusQuery", query.kind());
    }

    /**
     * The lines of the response as they arrive, in bulk-write batches of FOCUS_BATCH_SIZE (the last one partial), the
     * next one read while one is written; however the run ends, reading stops and the response is released.
     */
    public Iterator<?> batches(@Body InputStream lines, @ExchangeProperty(ResourceRun.PROPERTY) ResourceRun run,
                               @ExchangeProperty("focusQuery") String kind, Exchange exchange) {
        LOG.debug("Focus {} {} lines: reading {}", run.resource().name(), kind, lines.getClass().getName());
        PrefetchingIterator<?> batches = new LineBatches(lines, run, kind, batchSize).prefetch(linesReaders);
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                batches.abandon();
            }
        });
        return batches;
    }

    /** Counts what one bulk write did. */
    public void written(@Body BulkWriteResult result, @ExchangeProperty(ResourceRun.PROPERTY) ResourceRun run) {
        run.stats().add("created", result.getUpserts().size());
        run.stats().add("updated", result.getMatchedCount());
        run.stats().add("deleted", result.getDeletedCount());
    }

    /** A dry run's batch: compared with the stored rows instead of written. */
    public void plan(@Body List<WriteModel<Document>> batch, @ExchangeProperty(ResourceRun.PROPERTY) ResourceRun run) {
        run.dryRun().batch(batch, db.getCollection(run.resource().collection()), run.sweep());
    }

    /** Headers of the state request. */
    public void stateRequest(@ExchangeProperty(ResourceRun.PROPERTY) ResourceRun run, Exchange exchange) {
        FocusResource resource = run.resource();
        Instant delta = run.nextDeltaTimestamp();
        request(exchange, "/api/v1/" + encode(businessService) + "/resource/" + encode(resource.name()) + "/" + encode(country) + "/state",
                delta == null ? null : "delta_timestamp=" + encode(ResourceRun.queryValue(delta)));
    }

    /**
     * Ends the run of a resource: a full reload removes the rows it did not see; the local count is compared with
     * the API's {@code total_items} (a mismatch makes the next run a full reload); the state document moves on.
     */
    public String finish(@Body String stateBody, @ExchangeProperty(ResourceRun.PROPERTY) ResourceRun run) throws IOException {
        FocusResource resource = run.resource();
        JsonNode state = JSON.readTree(stateBody);
        if (state == null || !state.path("total_items").canConvertToLong()) {
            throw new InvalidInputException("Focus " + resource.name() + " state answer has no total_items: " + Failures.excerpt(stateBody));
        }
        long remote = state.get("total_items").asLong();
        MongoCollection<Document> rows = db.getCollection(resource.collection());
        if (run.dryRun() != null) {
            return run.dryRun().finish(run, rows, remote, flow(resource.name()));
        }
        if (run.sweep()) {
            run.stats().add("deleted", rows.deleteMany(Filters.ne("_syncRun", run.runId())).getDeletedCount());
        }
        long local = rows.estimatedDocumentCount();
        SyncStats stats = run.stats();
        boolean mismatch = local != remote;
        if (mismatch) {
            stats.error("count mismatch", "local " + local + " rows, Focus " + remote + ": full reload on the next run");
        }
        Instant delta = run.nextDeltaTimestamp();
        Instant now = Instant.now();
        stats.finish();
        Document lastRun = new Document("mode", run.full() ? "full" : "delta").append("reason", run.reason())
                .append("startedAt", Date.from(stats.startedAt())).append("finishedAt", Date.from(now))
                .append("durationMs", stats.elapsed().toMillis())
                .append("lines", stats.get("lines")).append("created", stats.get("created"))
                .append("updated", stats.get("updated")).append("deleted", stats.get("deleted"))
                .append("localCount", local).append("remoteCount", remote);
        Document doc = new Document("_id", resource.collection()).append("resource", resource.name())
                .append("collection", resource.collection()).append("deltaTimestamp", delta == null ? null : delta.toString())
                .append("fullReloadRequired", mismatch)
                .append("fullReloadReason", mismatch ? "count mismatch (local " + local + ", Focus " + remote + ")" : null)
                .append("lastRun", lastRun);
        if (!states.save(doc, run.stateVersion())) {
            // two instances led at once for a moment (CLUSTER_SERVICE): the other's newer state stays
            stats.error("sync state", "not saved: another instance saved the state of " + resource.collection() + " during this run; its state is kept");
        }
        lags.put(resource.name(), remote - local);
        lastFinished = now;
        runState().count("resourceRuns", 1);
        FlowState flow = flow(resource.name());
        for (String counter : List.of("lines", "created", "updated", "deleted")) {
            flow.count(counter, stats.get(counter));
        }
        stats.errors().forEach(flow::error);
        flow.runSummarized(stats);
        stats.add("local", local).add("remote", remote);
        return stats.summary();
    }

    /**
     * A run or a resource's run failed: recorded in the flow state; its state document is left as it was, so the
     * next run repeats the same window. Returns the log line.
     */
    public String failed(Exchange exchange) {
        // a careless API may echo credentials in its error body: masked like every log line
        String reason = LogMasking.mask(reason(exchange));
        ResourceRun run = exchange.getProperty(ResourceRun.PROPERTY, ResourceRun.class);
        if (run == null) {
            FlowState all = runState();
            all.count("failedRuns", 1);
            all.error("run", reason);
            configured.forEach(name -> flow(name).error("run", reason));
            return "Focus run failed before any resource was synced: " + reason + "; nothing changed, the next run tries again";
        }
        if (!run.fail()) {
            return null;
        }
        SyncStats stats = run.stats();
        stats.error(run.resource().name(), reason);
        stats.finish();
        FlowState flow = flow(run.resource().name());
        flow.count("failedRuns", 1);
        flow.error(run.resource().name(), reason);
        flow.runSummarized(stats);
        return stats.summary() + ": FAILED, state unchanged, the next run repeats this window";
    }

    /** Seconds since a resource last finished a run (the sync_last_run_age_seconds gauge); -1 before the first. */
    public double lastRunAgeSeconds() {
        Instant last = lastFinished;
        return last == null ? -1 : Duration.between(last, Instant.now()).toMillis() / 1000.0;
    }

    /** Why a run failed, in words: an unreachable API is named as such (the JDK's own message is often empty). */
    private String reason(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (cause == null) {
            cause = exchange.getException();
        }
        ConnectException refused = Failures.find(cause, ConnectException.class);
        if (refused != null) {
            return "Focus API unreachable at " + apiUrl + " (ConnectException" + (refused.getMessage() == null ? "" : ": " + refused.getMessage()) + ")";
        }
        TokenException login = Failures.find(cause, TokenException.class);
        if (login != null) {
            // never the answer's body: it may carry a token (FocusLogin words it so)
            return "Focus API login (POST /api/v1/auth) answered " + login.status() + " instead of 201 {token}";
        }
        HttpTimeoutException timeout = Failures.find(cause, HttpTimeoutException.class);
        if (timeout != null) {
            return "Focus API did not answer in time at " + apiUrl + " (" + timeout.getMessage() + ")";
        }
        Failures.Failure failure = Failures.of(cause);
        return failure.reason() + (failure.body().isEmpty() ? "" : ": " + failure.body());
    }

    /** The state of the flow as a whole ({@code resources}): failed runs, and the lag summed over every resource. */
    private FlowState runState() {
        return syncState.flow("resources").mode(modeDescription)
                .lag("Focus rows minus local rows at the last run, all resources", () -> lags.values().stream().mapToLong(Long::longValue).sum());
    }

    /** The flow state of one resource ({@code resources-<name>} in /observe/sync), with its lag: Focus count minus local count. */
    private FlowState flow(String resource) {
        return syncState.flow("resources-" + resource).mode(modeDescription)
                .lag("Focus rows minus local rows at the last run", () -> lags.getOrDefault(resource, -1L));
    }

    /**
     * The stored delta timestamp: written by this flow as a UTC instant ({@code 2025-07-01T16:01:00.827904Z}), read in
     * any ISO-8601 form; null when there is none or it is not a date-time.
     */
    private static Instant storedDeltaTimestamp(Object stored) {
        if (stored instanceof Date date) {
            return date.toInstant();
        }
        if (!(stored instanceof String text)) {
            return null;
        }
        try {
            return Dates.parseInstantNaiveAsUtc(text);
        } catch (IllegalArgumentException notADate) {
            return null;
        }
    }

    private static void request(Exchange exchange, String path, String query) {
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setBody(null);
        exchange.getMessage().setHeader(Exchange.HTTP_PATH, path);
        if (query != null) {
            exchange.getMessage().setHeader(Exchange.HTTP_QUERY, query);
        }
        exchange.getMessage().setHeader("Accept", "application/x-ndjson, application/json");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
