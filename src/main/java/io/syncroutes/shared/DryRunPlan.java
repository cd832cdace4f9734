package io.syncroutes.shared;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * What a dry run would have done, written nowhere: per action (insert, update, delete, export, …) how many items and
 * the first {@value #FIRST} of them; the reasons of what it could not plan.
 */
public final class DryRunPlan implements RunSummary {

    /** How many items of each action the plan names (the rest only counted). */
    public static final int FIRST = 10;

    /** How every line of a dry run begins. */
    public static final String PREFIX = "DRY RUN (nothing written) ";

    private final String flow;
    private final String subject;
    private final Map<String, Long> counts = new LinkedHashMap<>();
    private final Map<String, List<String>> first = new LinkedHashMap<>();
    private final Map<String, String> errors = new LinkedHashMap<>();
    private final Instant startedAt = Instant.now();
    private volatile Instant finishedAt;

    /** A plan whose actions are listed (with 0) even when nothing falls in them. */
    public DryRunPlan(String flow, String subject, String... actions) {
        this.flow = flow;
        this.subject = subject;
        for (String action : actions) {
            counts.put(action, 0L);
            first.put(action, new ArrayList<>());
        }
    }

    public String flow() {
        return flow;
    }

    public String subject() {
        return subject;
    }

    /** How many items fall in each action. */
    public synchronized Map<String, Long> counts() {
        return new LinkedHashMap<>(counts);
    }

    /** One item the run would have {@code action}ed. */
    public synchronized DryRunPlan add(String action, Object item) {
        counts.merge(action, 1L, Long::sum);
        List<String> items = first.computeIfAbsent(action, k -> new ArrayList<>());
        if (items.size() < FIRST) {
            items.add(String.valueOf(item));
        }
        return this;
    }

    /** A reason the run could not plan part of its work (a bad record, a remote error). */
    public synchronized DryRunPlan error(String key, String reason) {
        errors.put(key, reason);
        return this;
    }

    public synchronized long count(String action) {
        return counts.getOrDefault(action, 0L);
    }

    public synchronized Map<String, String> errors() {
        return new LinkedHashMap<>(errors);
    }

    public DryRunPlan finish() {
        finishedAt = Instant.now();
        return this;
    }

    public Instant finishedAt() {
        return finishedAt;
    }

    /** The plan as a JSON-ready map: flow, subject, times, and per action its count and first items. */
    public synchronized Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("flow", flow);
        map.put("subject", subject);
        map.put("dryRun", true);
        map.put("startedAt", startedAt.toString());
        map.put("finishedAt", finishedAt == null ? null : finishedAt.toString());
        Map<String, Object> actions = new LinkedHashMap<>();
        counts.forEach((action, count) -> {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("count", count);
            one.put("first", List.copyOf(first.getOrDefault(action, List.of())));
            actions.put(action, one);
        });
        map.put("actions", actions);
        map.put("errors", new LinkedHashMap<>(errors));
        return map;
    }

    /** One line: {@code DRY RUN (nothing written) <subject>: inserted=2 [7, 9] updated=0 …}. */
    @Override
    public synchronized String summary() {
        StringJoiner line = new StringJoiner(" ", PREFIX + subject + ": ", "");
        counts.forEach((action, count) -> {
            List<String> items = first.getOrDefault(action, List.of());
            line.add(action + "=" + count + (items.isEmpty() ? "" : " " + items + (count > items.size() ? "…" : "")));
        });
        if (!errors.isEmpty()) {
            line.add("errors=" + errors.size());
        }
        return line.toString();
    }
}
