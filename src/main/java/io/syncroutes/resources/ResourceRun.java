package io.syncroutes.resources;

import io.syncroutes.shared.Dates;
import io.syncroutes.shared.SyncStats;
import org.bson.BsonValue;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/** One run of one resource: its mode, the window asked for, the newest row timestamp seen, its counters. */
public final class ResourceRun {

    /** Exchange property holding the run of the resource in progress. */
    public static final String PROPERTY = "focusRun";

    /** One lines request: {@code full}, {@code created}, {@code updated} or {@code deleted}. */
    public record Query(String kind, String path, String query) {
    }

    /** The API's one form of {@code delta_timestamp}: UTC without an offset, microseconds (2025-07-01T16:01:00.827904). */
    private static final DateTimeFormatter DELTA_TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final FocusResource resource;
    private final boolean full;
    private final long runId;
    private final Instant since;
    private final boolean sweep;
    private final String reason;
    private final SyncStats stats;
    private final List<Query> queries;
    private Instant newest;
    private String lastText;
    private Instant lastParsed;
    private boolean failed;
    private long stateVersion;
    private ResourcesDryRun dryRun;
    private Consumer<List<BsonValue>> deletions = keys -> { };

    ResourceRun(FocusResource resource, boolean full, String reason, long runId, Instant since, boolean sweep, List<Query> queries) {
        this.resource = resource;
        this.full = full;
        this.reason = reason;
        this.runId = runId;
        this.since = since;
        this.sweep = sweep;
        this.queries = queries;
        this.stats = new SyncStats("resources", "Focus " + resource.name() + " (" + (full ? "full" : "delta") + ")",
                "lines", "created", "updated", "deleted");
    }

    /** A dry run's comparison and plan (null when the run writes). */
    ResourcesDryRun dryRun() {
        return dryRun;
    }

    ResourceRun dryRun(ResourcesDryRun dryRun) {
        this.dryRun = dryRun;
        return this;
    }

    /** Where the keys of the deleted lines of a batch go before it is written (the ledger, for the rows there are). */
    ResourceRun deletions(Consumer<List<BsonValue>> deletions) {
        this.deletions = deletions;
        return this;
    }

    /** A batch of deleted lines is about to be written. */
    void deleting(List<BsonValue> keys) {
        if (!keys.isEmpty()) {
            deletions.accept(keys);
        }
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
    public Instant since() {
        return since;
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

    /**
     * Takes a row's created_at / updated_at into the newest timestamp seen: any ISO-8601 form, without an offset
     * taken as UTC. One that is not a date-time is named in the run's errors and left out.
     */
    void seen(Object timestamp) {
        if (!(timestamp instanceof String text) || text.isBlank()) {
            return;
        }
        Instant at;
        if (text.equals(lastText)) {
            at = lastParsed;
        } else {
            try {
                at = Dates.parseInstantNaiveAsUtc(text);
            } catch (IllegalArgumentException notADate) {
                stats.error("row timestamp", "'" + text + "' is not a date-time; left out of the next delta timestamp");
                at = null;
            }
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

    /** The delta timestamp of the next run: the newest row timestamp seen, never before the one this run started from. */
    public Instant nextDeltaTimestamp() {
        if (newest == null) {
            return since;
        }
        return since != null && since.isAfter(newest) ? since : newest;
    }

    /** {@code at} as the API's {@code delta_timestamp} query value: UTC, no offset, microseconds (a finer fraction is cut, never rounded up). */
    static String queryValue(Instant at) {
        return DELTA_TIMESTAMP.format(at);
    }

    /** Marks the run failed; true the first time. */
    synchronized boolean fail() {
        boolean first = !failed;
        failed = true;
        return first;
    }
}
