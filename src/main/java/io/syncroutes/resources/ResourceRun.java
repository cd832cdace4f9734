package io.syncroutes.resources;

import io.syncroutes.shared.SyncStats;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;

/** One run of one resource: its mode, the window asked for, the newest row timestamp seen, its counters. */
public final class ResourceRun {

    /** Exchange property holding the run of the resource in progress. */
    public static final String PROPERTY = "focusRun";

    /** One lines request: {@code full}, {@code created}, {@code updated} or {@code deleted}. */
    public record Query(String kind, String path, String query) {
    }

    private final FocusResource resource;
    private final boolean full;
    private final long runId;
    private final String deltaTimestamp;
    private final boolean sweep;
    private final String reason;
    private final SyncStats stats;
    private final List<Query> queries;
    private Instant newest;
    private String lastText;
    private Instant lastParsed;
    private boolean failed;
    private long stateVersion;

    ResourceRun(FocusResource resource, boolean full, String reason, long runId, String deltaTimestamp, boolean sweep, List<Query> queries) {
        this.resource = resource;
        this.full = full;
        this.reason = reason;
        this.runId = runId;
        this.deltaTimestamp = deltaTimestamp;
        this.sweep = sweep;
        this.queries = queries;
        this.stats = new SyncStats("resources", "Focus " + resource.name() + " (" + (full ? "full" : "delta") + ")",
                "lines", "created", "updated", "deleted");
    }

    /** The version of the state document the run started from (its save is a compare-and-set on it). */
    long stateVersion() {
        return stateVersion;
    }

    ResourceRun stateVersion(long version) {
        this.stateVersion = version;
        return this;
    }

    public FocusResource resource() {
        return resource;
    }

    public boolean full() {
        return full;
    }

    /** Why this mode ("first load", "count mismatch on the last run", "delta since ..."). */
    public String reason() {
        return reason;
    }

    /** Marks every row this run writes ({@code _syncRun}), so a full reload can remove the rows it did not see. */
    public long runId() {
        return runId;
    }

    /** The stored delta timestamp the delta requests are sent with (null for a full load). */
    public String deltaTimestamp() {
        return deltaTimestamp;
    }

    /** Whether rows not seen by this full load are removed after it (a reload over existing rows). */
    public boolean sweep() {
        return sweep;
    }

    public SyncStats stats() {
        return stats;
    }

    public List<Query> queries() {
        return queries;
    }

    /** Takes a row's created_at / updated_at into the newest timestamp seen. */
    void seen(Object timestamp) {
        if (!(timestamp instanceof String text) || text.isBlank()) {
            return;
        }
        Instant at;
        if (text.equals(lastText)) {
            at = lastParsed;
        } else {
            at = parse(text);
            lastText = text;
            lastParsed = at;
        }
        if (at != null && (newest == null || at.isAfter(newest))) {
            newest = at;
        }
    }

    /** The newest created_at/updated_at seen in this run, or null. */
    public Instant newest() {
        return newest;
    }

    /** Marks the run failed; true the first time. */
    synchronized boolean fail() {
        boolean first = !failed;
        failed = true;
        return first;
    }

    /** A timestamp as the API writes it: ISO-8601 with an offset, or without one (taken as UTC), or a date. */
    static Instant parse(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException notOffset) {
            try {
                return LocalDateTime.parse(text.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException notLocal) {
                try {
                    return LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException notDate) {
                    return null;
                }
            }
        }
    }
}
