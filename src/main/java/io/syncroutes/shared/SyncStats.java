package io.syncroutes.shared;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Counters of one sync run (a file, an export batch, a drain), printed as one log line. */
public final class SyncStats implements RunSummary {

    /** Exchange property under which routes keep the stats of the run in progress. */
    public static final String PROPERTY = "syncStats";

    private static final int MAX_ERRORS = 50;

    private final String flow;
    private final String subject;
    private final Instant startedAt = Instant.now();
    private final Map<String, AtomicLong> counters = new LinkedHashMap<>();
    private final Map<String, String> errors = new LinkedHashMap<>();
    private volatile Instant finishedAt;

    /** Starts a run of {@code flow} about {@code subject} (a file name, "batch", ...), declaring its counters in log order. */
    public SyncStats(String flow, String subject, String... counterNames) {
        this.flow = flow;
        this.subject = subject;
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
