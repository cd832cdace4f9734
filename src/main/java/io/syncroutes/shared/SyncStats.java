package io.syncroutes.shared;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of one sync run (a file, an export batch, a drain), printed as one log line. Each run has an id, readable
 * and ordered by its start ({@code 20261207T231817.123Z-3f2a-1c}: start time, process, sequence), and the trigger
 * that started it; {@link FlowState} hands a finished run to the run recorder.
 */
public final class SyncStats implements RunSummary {

    private static final DateTimeFormatter RUN_TIME = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss.SSS'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final String PROCESS = Long.toString(ManagementFactory.getRuntimeMXBean().getPid(), 36);
    private static final AtomicLong SEQUENCE = new AtomicLong();

    /** Exchange property under which routes keep the stats of the run in progress. */
    public static final String PROPERTY = "syncStats";

    private static final int MAX_ERRORS = 50;

    private final String flow;
    private final String subject;
    private final Instant startedAt = Instant.now();
    private final Map<String, AtomicLong> counters = new LinkedHashMap<>();
    private final Map<String, String> errors = new LinkedHashMap<>();
    private final AtomicLong errorCount = new AtomicLong();
    private final String runId;
    private volatile String trigger = "timer";
    private volatile SyncStats partOf;
    private volatile boolean dryRun;
    private volatile Object plan;
    private volatile Instant finishedAt;

    /** Starts a run of {@code flow} about {@code subject} (a file name, "batch", ...), declaring its counters in log order. */
    public SyncStats(String flow, String subject, String... counterNames) {
        this.flow = flow;
        this.subject = subject;
        this.runId = RUN_TIME.format(startedAt) + "-" + PROCESS + "-" + Long.toString(SEQUENCE.incrementAndGet(), 36);
        for (String name : counterNames) {
            counters.put(name, new AtomicLong());
        }
    }

    public SyncStats add(String counter, long delta) {
        AtomicLong value;
        synchronized (counters) {
            value = counters.computeIfAbsent(counter, k -> new AtomicLong());
        }
        value.addAndGet(delta);
        return this;
    }

    public SyncStats increment(String counter) {
        return add(counter, 1);
    }

    public long get(String counter) {
        AtomicLong value;
        synchronized (counters) {
            value = counters.get(counter);
        }
        return value == null ? 0 : value.get();
    }

    /** Records an error for one item (e.g. a product id); keeps the first {@value #MAX_ERRORS}. */
    public void error(String key, String reason) {
        errorCount.incrementAndGet();
        synchronized (errors) {
            if (errors.size() < MAX_ERRORS) {
                errors.putIfAbsent(key, reason);
            }
        }
    }

    public Map<String, String> errors() {
        synchronized (errors) {
            return Map.copyOf(errors);
        }
    }

    public Map<String, Long> counters() {
        Map<String, Long> copy = new LinkedHashMap<>();
        synchronized (counters) {
            counters.forEach((k, v) -> copy.put(k, v.get()));
        }
        return copy;
    }

    /** Errors recorded, also those past the first {@value #MAX_ERRORS} kept. */
    public long errorCount() {
        return errorCount.get();
    }

    /** The run's id (the one its records' provenance names). */
    public String runId() {
        return partOf != null ? partOf.runId : runId;
    }

    /** What started the run: {@code timer}, {@code file poll}, {@code queue}, {@code jmx}, {@code once}, {@code rest}. */
    public String trigger() {
        return partOf != null ? partOf.trigger : trigger;
    }

    public SyncStats trigger(String trigger) {
        this.trigger = trigger;
        return this;
    }

    /** Whether the run only planned (wrote nothing). */
    public boolean dryRun() {
        return dryRun;
    }

    public SyncStats dryRun(boolean dryRun) {
        this.dryRun = dryRun;
        return this;
    }

    /** What a dry run would have done (null: no plan), kept in its run document. */
    public Object plan() {
        return plan;
    }

    public SyncStats plan(Object plan) {
        this.plan = plan;
        return this;
    }

    /** Makes these the counters of one part (a file) of {@code run} (a batch): they share its id and are recorded with it, not alone. */
    public SyncStats partOf(SyncStats run) {
        this.partOf = run;
        return this;
    }

    /** The run these counters are a part of, or null (they are a run). */
    public SyncStats partOf() {
        return partOf;
    }

    public String flow() {
        return flow;
    }

    public String subject() {
        return subject;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public Instant finishedAt() {
        return finishedAt;
    }

    public SyncStats finish() {
        finishedAt = Instant.now();
        return this;
    }

    public Duration elapsed() {
        return Duration.between(startedAt, finishedAt == null ? Instant.now() : finishedAt);
    }

    /** One line: {@code orders.json: read=3 upserted=2 rejected=1 in 12 ms [errors: ...]}. */
    public String summary() {
        StringBuilder line = new StringBuilder(subject).append(':');
        counters().forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
        line.append(" in ").append(elapsed().toMillis()).append(" ms");
        Map<String, String> errorsNow = errors();
        if (!errorsNow.isEmpty()) {
            line.append(" errors=").append(errorsNow);
        }
        return line.toString();
    }

    @Override
    public String toString() {
        return flow + " " + summary();
    }
}
