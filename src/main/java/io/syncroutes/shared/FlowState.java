package io.syncroutes.shared;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The sync state of one flow: its mode, its last run (time and counts), running totals, recent errors and its lag
 * (what is still waiting: unsynced documents, queued messages). Totals also go to Micrometer as
 * {@code sync_records_total{flow, counter}}.
 */
public final class FlowState implements FlowStateMBean {

    private static final int RECENT_ERRORS = 20;

    private final String flow;
    private final Supplier<MeterRegistry> meters;
    private final Supplier<SyncRuns> runs;
    private final Map<String, AtomicLong> totals = new ConcurrentHashMap<>();
    private final Map<String, Counter> meterCounters = new ConcurrentHashMap<>();
    private final Map<String, String> recentErrors = new LinkedHashMap<>();
    private volatile String mode = "";
    private volatile Instant lastRunAt;
    private volatile String lastRun = "";
    private volatile Map<String, Object> lastPlan;
    private volatile Instant lastErrorAt;
    private volatile LongSupplier lag = () -> -1;
    private volatile String lagDescription = "";
    // the lag as last computed in the background (SyncState refreshes it), never on a request thread
    private volatile long cachedLag = -1;
    private volatile Instant lagAt;
    private volatile boolean lagInBackground;
    private final AtomicBoolean lagRefreshing = new AtomicBoolean();
    // circuit breaker of the flow's remote system (null: the flow has none)
    private volatile String circuitState;
    private volatile Instant circuitSince;
    private volatile String circuitLastError;
    private volatile Instant circuitLastErrorAt;
    // polled work of this flow per cluster namespace: whether this instance leads it now
    private final Map<String, BooleanSupplier> leads = new ConcurrentSkipListMap<>();

    FlowState(String flow, Supplier<MeterRegistry> meters, Supplier<SyncRuns> runs) {
        this.flow = flow;
        this.meters = meters;
        this.runs = runs;
    }

    public FlowState mode(String mode) {
        this.mode = mode;
        return this;
    }

    /** What the lag measures ("unsynced work orders") and how to read it now. */
    public FlowState lag(String description, LongSupplier lag) {
        this.lagDescription = description;
        this.lag = lag;
        return this;
    }

    /**
     * Computes the lag now (called in the background by {@link SyncState}); {@link #getLag()} then serves this value
     * with its age. Returns false without computing when the previous computation has not finished (e.g. its server
     * does not answer).
     */
    public boolean refreshLag() {
        if (!lagRefreshing.compareAndSet(false, true)) {
            return false;
        }
        try {
            long value;
            try {
                value = lag.getAsLong();
            } catch (RuntimeException e) {
                value = -1;
            }
            cachedLag = value;
            lagAt = Instant.now();
            lagInBackground = true;
            return true;
        } finally {
            lagRefreshing.set(false);
        }
    }

    /** When the lag served was computed (null: not yet). */
    @Override
    public String getLagAt() {
        Instant at = lagAt;
        return at == null ? null : at.toString();
    }

    /** How old the lag served is, in ms (-1: not computed yet). */
    @Override
    public long getLagAgeMs() {
        Instant at = lagAt;
        return at == null ? -1 : Math.max(0, Duration.between(at, Instant.now()).toMillis());
    }

    /** The flow's polled work in {@code namespace} runs only while {@code leading} says this instance leads it. */
    public FlowState leads(String namespace, BooleanSupplier leading) {
        leads.put(namespace, leading);
        return this;
    }

    /** Per namespace of the flow's polled work, whether this instance leads it now (always, with one instance). */
    @Override
    public Map<String, Boolean> getLeads() {
        Map<String, Boolean> now = new LinkedHashMap<>();
        leads.forEach((namespace, leading) -> now.put(namespace, leading.getAsBoolean()));
        return now;
    }

    /** Whether this instance leads {@code namespace} now, as a number for a gauge (1 or 0). */
    public double leadLevel(String namespace) {
        BooleanSupplier leading = leads.get(namespace);
        return leading != null && leading.getAsBoolean() ? 1 : 0;
    }

    /** The flow's circuit breaker changed state ({@code closed}, {@code open}, {@code half-open}). */
    public FlowState circuit(String state, Instant since) {
        this.circuitState = state;
        this.circuitSince = since;
        return this;
    }

    /** The last failure the flow's circuit breaker counted. */
    public void circuitError(String reason) {
        this.circuitLastError = reason;
        this.circuitLastErrorAt = Instant.now();
    }

    /** The circuit breaker's state, or null when the flow has none. */
    @Override
    public String getCircuitState() {
        return circuitState;
    }

    @Override
    public String getCircuitSince() {
        return circuitSince == null ? null : circuitSince.toString();
    }

    @Override
    public String getCircuitLastError() {
        return circuitLastError;
    }

    @Override
    public String getCircuitLastErrorAt() {
        return circuitLastErrorAt == null ? null : circuitLastErrorAt.toString();
    }

    /** The circuit state as a number for a gauge: 0 closed, 1 half-open, 2 open, -1 no breaker. */
    public double circuitLevel() {
        String state = circuitState;
        if (state == null) {
            return -1;
        }
        return switch (state) {
            case "closed" -> 0;
            case "half-open" -> 1;
            default -> 2;
        };
    }

    /** Adds to a running total (and its Micrometer counter). */
    public void count(String counter, long delta) {
        if (delta == 0) {
            return;
        }
        totals.computeIfAbsent(counter, k -> new AtomicLong()).addAndGet(delta);
        Counter meter = meterCounters.get(counter);
        if (meter == null) {
            MeterRegistry registry = meters.get();
            if (registry == null) {
                return;
            }
            meter = meterCounters.computeIfAbsent(counter, k -> registry.counter("sync.records", "flow", flow, "counter", k));
        }
        meter.increment(delta);
    }

    /** A run (file, export, batch, drain) ended: it becomes the last run, and its counters go to the totals; returns its summary. */
    public String runFinished(SyncStats stats) {
        stats.counters().forEach(this::count);
        stats.errors().forEach(this::error);
        lastRunAt = stats.finishedAt() != null ? stats.finishedAt() : Instant.now();
        String summary = stats.summary();
        lastRun = summary;
        recordRun(stats);
        return summary;
    }

    /**
     * A dry run ended: its plan becomes the last run (and the last plan), its errors recent errors, and its run
     * document says dry run with the plan; nothing is added to the totals, which count what was written. Returns its
     * summary.
     */
    public String planFinished(DryRunPlan plan) {
        return planFinished(plan, new SyncStats(plan.flow(), plan.subject()));
    }

    /** {@link #planFinished(DryRunPlan)} of a run whose counters ({@code run}) were kept as for a real one. */
    public String planFinished(DryRunPlan plan, SyncStats run) {
        plan.errors().forEach(this::error);
        lastRunAt = plan.finishedAt() != null ? plan.finishedAt() : Instant.now();
        lastPlan = plan.toMap();
        String summary = plan.summary();
        lastRun = summary;
        // the counts the run did not keep itself (a run that plans instead of writing may count only what it read)
        plan.counts().forEach((action, count) -> {
            if (run.get(action) == 0) {
                run.add(action, count);
            }
        });
        if (run.finishedAt() == null) {
            run.finish();
        }
        recordRun(run.dryRun(true).plan(lastPlan));
        return summary;
    }

    /** The plan of the last dry run, or null when none ran. */
    public Map<String, Object> getLastPlan() {
        return lastPlan;
    }

    /** A run ended whose counters were already counted one by one (e.g. a products batch). */
    public void runSummarized(SyncStats stats) {
        lastRunAt = stats.finishedAt() != null ? stats.finishedAt() : Instant.now();
        lastRun = stats.summary();
        recordRun(stats);
    }

    /**
     * Hands a finished run to the run recorder ({@code sync_runs}, written in the background); the counters of one
     * part of a run (a file of a batch) are recorded with their run, not alone.
     */
    public void recordRun(SyncStats stats) {
        SyncRuns recorder = runs.get();
        if (recorder != null && stats.partOf() == null) {
            recorder.ended(stats);
        }
    }

    /**
     * Hands one write made elsewhere (Ivanti, Qargo, a file) or a deletion to the ledger ({@code sync_ledger}, in the
     * background), under the flow name its provenance is asked by ({@code recordFlow}).
     */
    public void ledger(String recordFlow, String key, String action, Map<String, Object> source, String runId) {
        ledger(recordFlow, key, action, source, runId, new Date());
    }

    /** {@link #ledger(String, String, String, Map, String)} of a write made {@code at} (e.g. one a later write replaced). */
    public void ledger(String recordFlow, String key, String action, Map<String, Object> source, String runId, Date at) {
        SyncRuns recorder = runs.get();
        if (recorder != null) {
            recorder.ledger(recordFlow, key, action, source, runId, at);
        }
    }

    /** The run recorder, or null (none configured). */
    public SyncRuns runs() {
        return runs.get();
    }

    public void error(String key, String reason) {
        lastErrorAt = Instant.now();
        synchronized (recentErrors) {
            recentErrors.remove(key);
            recentErrors.put(key, reason);
            if (recentErrors.size() > RECENT_ERRORS) {
                recentErrors.remove(recentErrors.keySet().iterator().next());
            }
        }
    }

    public long total(String counter) {
        AtomicLong value = totals.get(counter);
        return value == null ? 0 : value.get();
    }

    /** This state as a JSON-ready map. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("flow", flow);
        map.put("mode", mode);
        map.put("lastRunAt", getLastRunAt());
        map.put("lastRun", lastRun);
        if (lastPlan != null) {
            map.put("lastPlan", lastPlan);
        }
        map.put("totals", getTotals());
        map.put("lag", getLag());
        map.put("lagDescription", lagDescription);
        map.put("lagAt", getLagAt());
        map.put("lagAgeMs", getLagAgeMs());
        if (circuitState != null) {
            Map<String, Object> circuit = new LinkedHashMap<>();
            circuit.put("state", circuitState);
            circuit.put("since", getCircuitSince());
            circuit.put("lastError", circuitLastError);
            circuit.put("lastErrorAt", getCircuitLastErrorAt());
            map.put("circuitBreaker", circuit);
        }
        if (!leads.isEmpty()) {
            map.put("leads", getLeads());
        }
        map.put("lastErrorAt", getLastErrorAt());
        map.put("recentErrors", getRecentErrors());
        return map;
    }

    @Override
    public String getFlow() {
        return flow;
    }

    @Override
    public String getMode() {
        return mode;
    }

    @Override
    public String getLastRunAt() {
        return lastRunAt == null ? null : lastRunAt.toString();
    }

    @Override
    public String getLastRun() {
        return lastRun;
    }

    @Override
    public Map<String, Long> getTotals() {
        Map<String, Long> copy = new TreeMap<>();
        totals.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    @Override
    public long getLag() {
        if (lagInBackground) {
            return cachedLag;
        }
        try {
            return lag.getAsLong();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    @Override
    public String getLagDescription() {
        return lagDescription;
    }

    @Override
    public String getLastErrorAt() {
        return lastErrorAt == null ? null : lastErrorAt.toString();
    }

    @Override
    public Map<String, String> getRecentErrors() {
        synchronized (recentErrors) {
            return new LinkedHashMap<>(recentErrors);
        }
    }
}
