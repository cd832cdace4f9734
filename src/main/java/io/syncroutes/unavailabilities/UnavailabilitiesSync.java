package io.syncroutes.unavailabilities;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncroutes.shared.FlowState;
import io.syncroutes.shared.SyncStats;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One sync run of resource unavailabilities from the master Qargo environment to the local one, in three steps the
 * route calls: {@link #plan} (list and match resources), {@link #syncResource} (per matched pair: read both sides in
 * the window, create/update/delete locally), {@link #finish} (one log line, flow state). Never writes to the master.
 */
public final class UnavailabilitiesSync {

    private static final Logger LOG = LoggerFactory.getLogger(UnavailabilitiesSync.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Exchange property holding the run in progress. */
    public static final String RUN = "unavailabilitiesRun";
    private static final String[] COUNTERS = {"matched", "unmatched", "ambiguous", "created", "updated", "deleted", "unchanged",
        "errors", "deferred", "requests"};
    private static final String RESOURCES = "/resources/resource";

    private final QargoClient master;
    private final QargoClient local;
    private final ResourceMatcher matcher;
    private final java.util.function.Supplier<Instant> from;
    private final Instant to;
    private final boolean dryRun;
    private final int budgetPerEnvironment;
    private final FlowState state;
    private final AtomicBoolean running = new AtomicBoolean();
    /** The local resource the next run starts with (where a run stopped on its budget), or null. */
    private volatile String resumeFrom;
    /** Matched resources the last run did not reach (its budget ran out): the flow's lag. */
    private volatile long lastDeferred;

    public UnavailabilitiesSync(QargoClient master, QargoClient local, ResourceMatcher matcher, java.util.function.Supplier<Instant> from, Instant to,
                                boolean dryRun, int budgetPerEnvironment, FlowState state) {
        this.master = master;
        this.local = local;
        this.matcher = matcher;
        this.from = from;
        this.to = to;
        this.dryRun = dryRun;
        this.budgetPerEnvironment = budgetPerEnvironment;
        this.state = state.lag("matched resources the last run did not reach (request budget)", () -> lastDeferred);
    }

    /** The state of one run, kept on the exchange while the route goes through the matched pairs. */
    public static final class Run {
        final SyncStats stats = new SyncStats("unavailabilities", "unavailabilities run", COUNTERS);
        final RequestBudget masterBudget;
        final RequestBudget localBudget;
        final long tokensBefore;
        final List<String> unmatched = new ArrayList<>();
        final List<String> ambiguous = new ArrayList<>();
        volatile String stoppedAt;
        volatile String stopReason;

        Run(int budget, long tokensBefore) {
            masterBudget = new RequestBudget("master", budget);
            localBudget = new RequestBudget("local", budget);
            this.tokensBefore = tokensBefore;
        }

        public SyncStats stats() {
            return stats;
        }
    }

    public boolean isRunning() {
        return running.get();
    }

    /** Lists and matches the resources of both environments; the body becomes the matched pairs to go through. */
    public List<ResourceMatcher.Pair> plan(Exchange exchange) throws IOException, InterruptedException {
        if (!running.compareAndSet(false, true)) {
            throw new QargoException.RunInProgress();
        }
        Run run = new Run(budgetPerEnvironment, tokens());
        exchange.setProperty(RUN, run);
        exchange.setProperty(SyncStats.PROPERTY, run.stats);
        List<JsonNode> masters = master.list(RESOURCES, Map.of(), run.masterBudget);
        List<JsonNode> locals = local.list(RESOURCES, Map.of(), run.localBudget);
        ResourceMatcher.Result result = matcher.match(locals, masters);
        run.stats.add("matched", result.pairs().size()).add("unmatched", result.unmatched().size())
                .add("ambiguous", result.ambiguous().size());
        run.unmatched.addAll(result.unmatched());
        run.ambiguous.addAll(result.ambiguous());
        List<ResourceMatcher.Pair> pairs = result.pairs();
        String resume = resumeFrom;
        if (resume != null) {
            for (int i = 0; i < pairs.size(); i++) {
                if (pairs.get(i).localId().equals(resume)) {
                    List<ResourceMatcher.Pair> rotated = new ArrayList<>(pairs.subList(i, pairs.size()));
                    rotated.addAll(pairs.subList(0, i));
                    pairs = rotated;
                    break;
                }
            }
        }
        return pairs;
    }

    /** Makes the local unavailabilities of one matched pair equal to the master's (within the window). */
    public void syncResource(Exchange exchange) throws IOException, InterruptedException {
        Run run = exchange.getProperty(RUN, Run.class);
        ResourceMatcher.Pair pair = exchange.getMessage().getBody(ResourceMatcher.Pair.class);
        if (run.stoppedAt == null && (exchange.getContext().isStopping() || Thread.currentThread().isInterrupted())) {
            run.stoppedAt = pair.localId();
            run.stopReason = "the app is stopping";
        }
        if (run.stoppedAt != null) {
            run.stats.increment("deferred");
            return;
        }
        try {
            syncPair(run, pair);
        } catch (QargoException.BudgetExhausted | QargoException.Unreachable e) {
            run.stoppedAt = pair.localId();
            run.stopReason = e.getMessage();
            run.stats.increment("deferred");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            run.stoppedAt = pair.localId();
            run.stopReason = "interrupted (the app is stopping)";
            run.stats.increment("deferred");
        }
    }

    private void syncPair(Run run, ResourceMatcher.Pair pair) throws IOException, InterruptedException {
        Map<String, String> window = new LinkedHashMap<>();
        window.put("start_time", from.get().toString());
        if (to != null) {
            window.put("end_time", to.toString());
        }
        List<JsonNode> masterItems = master.list(RESOURCES + "/" + pair.masterId() + "/unavailability", window, run.masterBudget);
        List<JsonNode> localItems = local.list(RESOURCES + "/" + pair.localId() + "/unavailability", window, run.localBudget);
        Map<String, JsonNode> localByMaster = new LinkedHashMap<>();
        List<JsonNode> surplus = new ArrayList<>();
        for (JsonNode item : localItems) {
            String externalId = item.hasNonNull("external_id") ? item.get("external_id").asText() : null;
            if (externalId == null || externalId.isBlank()) {
                continue; // entered locally, not ours
            }
            if (localByMaster.putIfAbsent(externalId, item) != null) {
                surplus.add(item); // a second copy of the same master unavailability
            }
        }
        Set<String> masterIds = new HashSet<>();
        String base = RESOURCES + "/" + pair.localId() + "/unavailability";
        for (JsonNode wanted : masterItems) {
            String masterId = wanted.path("id").asText();
            masterIds.add(masterId);
            JsonNode existing = localByMaster.get(masterId);
            if (existing == null) {
                write(run, pair, "created", "POST", base, body(wanted), "create " + masterId);
            } else if (!same(existing, wanted)) {
                write(run, pair, "updated", "PUT", base + "/" + existing.path("id").asText(), body(wanted), "update " + existing.path("id").asText());
            } else {
                run.stats.increment("unchanged");
            }
        }
        localByMaster.values().stream().filter(item -> !masterIds.contains(item.get("external_id").asText())).forEach(surplus::add);
        for (JsonNode gone : surplus) {
            write(run, pair, "deleted", "DELETE", base + "/" + gone.path("id").asText(), null, "delete " + gone.path("id").asText());
        }
    }

    private void write(Run run, ResourceMatcher.Pair pair, String counter, String method, String path, JsonNode body, String what)
            throws IOException, InterruptedException {
        if (dryRun) {
            LOG.info("dry run: would {} on local resource {} ({}){}", what, pair.label(), pair.localId(), body == null ? "" : ": " + body);
        } else {
            local.call(method, path, body, run.localBudget);
        }
        run.stats.increment(counter);
    }

    /** A failed resource: counted, remembered with its reason; the others go on. */
    public void failed(Exchange exchange) {
        Run run = exchange.getProperty(RUN, Run.class);
        ResourceMatcher.Pair pair = exchange.getMessage().getBody(ResourceMatcher.Pair.class);
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String reason = cause == null ? "unknown" : cause.getMessage();
        run.stats.increment("errors");
        run.stats.error(pair.label() + " (" + pair.localId() + ")", reason);
    }

    /** Ends the run: one log line, the flow state, and where the next run starts. Returns the line. */
    public String finish(Exchange exchange) {
        Run run = exchange.getProperty(RUN, Run.class);
        try {
            run.stats.add("requests", run.masterBudget.used() + run.localBudget.used() + (tokens() - run.tokensBefore));
            run.stats.finish();
            resumeFrom = run.stoppedAt;
            lastDeferred = run.stats.get("deferred");
            StringBuilder line = new StringBuilder(dryRun ? "DRY RUN (nothing written) " : "").append(run.stats.summary());
            if (!run.unmatched.isEmpty()) {
                line.append(" unmatched=").append(first(run.unmatched));
            }
            if (!run.ambiguous.isEmpty()) {
                line.append(" ambiguous=").append(first(run.ambiguous));
            }
            if (run.stoppedAt != null) {
                line.append(" stopped: ").append(run.stopReason).append("; the rest resumes next run");
            }
            state.runFinished(run.stats);
            String text = line.toString();
            if (run.stats.get("errors") > 0 || run.stoppedAt != null) {
                LOG.warn(text);
            } else {
                LOG.info(text);
            }
            return text;
        } finally {
            running.set(false);
        }
    }

    /**
     * A run that could not start or list the resources (Qargo unreachable, budget spent while listing): one line,
     * nothing written, the last run and totals left as they were. Returns the line.
     */
    public String aborted(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (cause instanceof QargoException.RunInProgress) {
            LOG.info("unavailabilities: a run is in progress; this one is skipped");
            return "skipped: a run is in progress";
        }
        try {
            String reason = cause == null ? "unknown" : cause.getMessage();
            String line = "unavailabilities run aborted, nothing changed: " + reason;
            LOG.warn(line);
            state.error("run", reason);
            return line;
        } finally {
            running.set(false);
        }
    }

    private long tokens() {
        return master.token().fetches() + (local.token() == master.token() ? 0 : local.token().fetches());
    }

    private static String first(List<String> names) {
        return names.size() <= 10 ? names.toString() : names.subList(0, 10) + " and " + (names.size() - 10) + " more";
    }

    /** The local body of a master unavailability: its fields, and its id as external_id. */
    static ObjectNode body(JsonNode master) {
        ObjectNode body = JSON.createObjectNode();
        body.put("external_id", master.path("id").asText());
        body.set("start_time", master.get("start_time"));
        body.set("end_time", master.hasNonNull("end_time") ? master.get("end_time") : null);
        body.set("reason", master.get("reason"));
        body.set("description", master.hasNonNull("description") ? master.get("description") : null);
        return body;
    }

    /** Whether a local unavailability already equals its master: instants compared, not their text. */
    static boolean same(JsonNode local, JsonNode master) {
        return Objects.equals(instant(local, "start_time"), instant(master, "start_time"))
                && Objects.equals(instant(local, "end_time"), instant(master, "end_time"))
                && Objects.equals(text(local, "reason"), text(master, "reason"))
                && Objects.equals(text(local, "description"), text(master, "description"));
    }

    private static Object instant(JsonNode node, String field) {
        String value = text(node, field);
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            return value; // unreadable: compared as text, so a difference still shows
        }
    }

    private static String text(JsonNode node, String field) {
        return node.hasNonNull(field) ? node.get(field).asText() : null;
    }
}
