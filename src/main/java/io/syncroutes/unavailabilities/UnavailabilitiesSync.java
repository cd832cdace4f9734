package io.syncroutes.unavailabilities;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncroutes.shared.DryRunPlan;
import io.syncroutes.shared.FlowState;
import io.syncroutes.shared.Provenance;
import io.syncroutes.shared.SyncStats;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * One sync run of fleet resource unavailabilities from the master Qargo environment to the local one, as the steps
 * of {@code routes/unavailabilities.camel.yaml} (bean {@code unavailabilitiesSync}): {@link #begin}, {@link #match},
 * {@link #pairs}, per pair {@link #readPair} and {@link #diff}, then {@link #finish}; a failure ends in
 * {@link #stopped} or {@link #failed} ({@link UnavailabilitiesFailures} words it). Never writes to the master.
 */
public final class UnavailabilitiesSync {

    private static final Logger LOG = LoggerFactory.getLogger(UnavailabilitiesSync.class);
    private static final String FLEET = "/resources/resource";

    private final QargoConnection master;
    private final QargoConnection local;
    private final FleetMatcher matcher;
    private final Supplier<Instant> from;
    private final Instant to;
    private final boolean dryRun;
    private final int budgetPerEnvironment;
    private final FlowState state;
    private final UnavailabilitiesFailures failures;
    private final AtomicBoolean running = new AtomicBoolean();
    /** Where the next run starts (where a run stopped). */
    private final ResumePoint resumePoint;
    /** Matched pairs the last run did not reach (it stopped): the flow's lag. */
    private volatile long lastDeferred;

    UnavailabilitiesSync(QargoConnection master, QargoConnection local, FleetMatcher matcher, Supplier<Instant> from, Instant to,
                         boolean dryRun, int budgetPerEnvironment, FlowState state, UnavailabilitiesFailures failures,
                         ResumePoint resumePoint) {
        this.resumePoint = resumePoint;
        this.master = master;
        this.local = local;
        this.matcher = matcher;
        this.from = from;
        this.to = to;
        this.dryRun = dryRun;
        this.budgetPerEnvironment = budgetPerEnvironment;
        this.failures = failures;
        this.state = state.lag("matched fleet resources the last run did not reach (it stopped)", () -> lastDeferred);
    }

    public boolean isRunning() {
        return running.get();
    }

    /** Starts a run (one at a time): its state on the exchange, and the fleet resources of both sides to read. */
    public void begin(Exchange exchange) throws RunInProgressException {
        if (!running.compareAndSet(false, true)) {
            throw new RunInProgressException();
        }
        UnavailabilitiesRun run = new UnavailabilitiesRun(budgetPerEnvironment, tokens());
        run.stats.trigger(Provenance.trigger(exchange)).dryRun(dryRun);
        exchange.setProperty(UnavailabilitiesRun.PROPERTY, run);
        exchange.setProperty(SyncStats.PROPERTY, run.stats);
        run.reads = new PagedReads(List.of(new PagedReads.Source("master", FLEET, Map.of()),
                new PagedReads.Source("local", FLEET, Map.of())));
    }

    /** Matches the local fleet resources to the master ones; the pairs start where the last run stopped. */
    public void match(Exchange exchange) {
        UnavailabilitiesRun run = run(exchange);
        FleetMatcher.Result result = matcher.match(run.reads.items(1), run.reads.items(0));
        run.stats.add("matched", result.pairs().size()).add("unmatched", result.unmatched().size())
                .add("ambiguous", result.ambiguous().size());
        run.unmatched.addAll(result.unmatched());
        run.ambiguous.addAll(result.ambiguous());
        List<FleetMatcher.Pair> pairs = result.pairs();
        String resumeFrom = resumePoint.read();
        for (int i = 0; i < pairs.size(); i++) {
            if (pairs.get(i).localId().equals(resumeFrom)) {
                List<FleetMatcher.Pair> rotated = new ArrayList<>(pairs.subList(i, pairs.size()));
                rotated.addAll(pairs.subList(0, i));
                pairs = rotated;
                break;
            }
        }
        run.pairs(pairs);
    }

    /** The matched pairs, one at a time, until the run stops (a failure stopped it, or the app is stopping). */
    public Iterator<FleetMatcher.Pair> pairs(Exchange exchange) {
        UnavailabilitiesRun run = run(exchange);
        CamelContext context = exchange.getContext();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                if (run.hasNextPair() && (context.isStopping() || Thread.currentThread().isInterrupted())) {
                    run.stop(true, "the app is stopping");
                }
                return run.hasNextPair();
            }

            @Override
            public FleetMatcher.Pair next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return run.nextPair();
            }
        };
    }

    /** The unavailabilities of the pair in progress to read: the master's, then the local's, in the window. */
    public void readPair(Exchange exchange) {
        UnavailabilitiesRun run = run(exchange);
        FleetMatcher.Pair pair = run.current();
        Map<String, String> window = new LinkedHashMap<>();
        window.put("start_time", from.get().toString());
        if (to != null) {
            window.put("end_time", to.toString());
        }
        run.reads = new PagedReads(List.of(new PagedReads.Source("master", unavailabilities(pair.masterId()), window),
                new PagedReads.Source("local", unavailabilities(pair.localId()), window)));
    }

    /** The local writes that make the pair's local unavailabilities equal to the master's (a dry run logs them instead). */
    public void diff(Exchange exchange) {
        UnavailabilitiesRun run = run(exchange);
        FleetMatcher.Pair pair = run.current();
        List<JsonNode> masters = run.reads.items(0);
        List<JsonNode> locals = run.reads.items(1);
        UnavailabilityDiff.Result diff = UnavailabilityDiff.of(unavailabilities(pair.localId()), masters, locals);
        run.stats.add("unchanged", diff.unchanged());
        run.writes.clear();
        for (UnavailabilityDiff.Write write : diff.writes()) {
            if (dryRun) {
                JsonNode body = write.call().body();
                LOG.debug("dry run: would {} on local fleet resource {} ({}){}", write.what(), pair.label(), pair.localId(),
                        body == null ? "" : ": " + body);
                run.stats.increment(write.counter());
                run.plan.add(write.counter(), write.what().substring(write.what().indexOf(' ') + 1) + " (" + pair.label() + ")");
            } else {
                run.writes.add(write);
            }
        }
    }

    /** Ends the run: one log line, the flow state, and where the next run starts. Returns the line. */
    public String finish(Exchange exchange) {
        UnavailabilitiesRun run = run(exchange);
        try {
            run.stats.add("deferred", run.deferred());
            run.stats.add("requests", run.requests() + (tokens() - run.tokensBefore));
            run.stats.finish();
            if (!dryRun) {
                resumePoint.save(run.resumeFrom());
            }
            lastDeferred = run.deferred();
            StringBuilder line = new StringBuilder(dryRun ? DryRunPlan.PREFIX : "").append(run.stats.summary());
            if (!run.unmatched.isEmpty()) {
                line.append(" unmatched=").append(first(run.unmatched));
            }
            if (!run.ambiguous.isEmpty()) {
                line.append(" ambiguous=").append(first(run.ambiguous));
            }
            if (run.stopped()) {
                line.append(" stopped: ").append(run.stopReason()).append("; the rest resumes next run");
            }
            if (dryRun) {
                // counted nowhere: the totals count what was written
                run.stats.errors().forEach(run.plan::error);
                state.planFinished(run.plan.finish(), run.stats);
            } else {
                state.runFinished(run.stats);
            }
            String text = line.toString();
            if (run.stats.get("errors") > 0 || run.stopped()) {
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
     * A failure that stops the run (budget spent, Qargo unreachable, no token given, asked to wait too long): during
     * a pair, it and the rest are deferred to the next run; before, the run ends with nothing changed. Returns the
     * line when the run ends here, else null.
     */
    public String stopped(Exchange exchange) {
        UnavailabilitiesRun run = run(exchange);
        String reason = failures.stopReason(exchange);
        if (run == null || run.current() == null) {
            return aborted(reason);
        }
        run.stop(false, reason);
        return null;
    }

    /**
     * Any other failure: during a pair, that pair is one error (still rate-limited after the retries: the run stops);
     * before, the run ends with nothing changed (or is skipped: one is in progress). Returns the line when the run
     * ends here, else null.
     */
    public String failed(Exchange exchange) {
        if (failures.runInProgress(exchange)) {
            LOG.info("unavailabilities: a run is in progress; this one is skipped");
            return "skipped: a run is in progress";
        }
        if (failures.stillRateLimited(exchange)) {
            return stopped(exchange);
        }
        UnavailabilitiesRun run = run(exchange);
        String reason = failures.reason(exchange);
        if (run == null || run.current() == null) {
            return aborted(reason);
        }
        FleetMatcher.Pair pair = run.current();
        run.stats.increment("errors");
        run.stats.error(pair.label() + " (" + pair.localId() + ")", reason);
        return null;
    }

    /** A run that could not start or read the fleet resources: one line, nothing written, the last run and totals left as they were. */
    private String aborted(String reason) {
        try {
            String line = "unavailabilities run aborted, nothing changed: " + reason;
            LOG.warn(line);
            state.error("run", reason);
            return line;
        } finally {
            running.set(false);
        }
    }

    private long tokens() {
        return master.tokenFetches() + local.tokenFetches();
    }

    private static String unavailabilities(String fleetResourceId) {
        return FLEET + "/" + fleetResourceId + "/unavailability";
    }

    private static UnavailabilitiesRun run(Exchange exchange) {
        return exchange.getProperty(UnavailabilitiesRun.PROPERTY, UnavailabilitiesRun.class);
    }

    private static String first(List<String> names) {
        return names.size() <= 10 ? names.toString() : names.subList(0, 10) + " and " + (names.size() - 10) + " more";
    }
}
