package io.syncroutes.workorders;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The versions of work orders stored in MongoDB that a bulk write is compared with, so that the newest version wins:
 * read ahead on the reader thread while earlier bulk writes are written, or queried by the route. It keeps what the
 * last bulk writes put in, so that versions read ahead while they ran are brought up to date.
 */
final class StoredVersions {

    /** The fields a stored-version query reads (with the provenance of the write it replaces, for the ledger). */
    static final Bson FIELDS = Projections.include("number", "updatedAt", "_sync");
    /** Work-order numbers per query while they are mostly found stored (re-imports). */
    static final int NUMBERS_PER_QUERY = 100;
    /** Below this share of a bulk write's work orders found stored, the next one's are queried all at once. */
    static final double NEW_WORK_ORDERS_SHARE = 0.05;
    /** After reading ahead failed, none is read ahead for this long (the route queries them, with its redeliveries). */
    private static final long READ_AHEAD_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** What this many of the last bulk writes put in is kept. */
    private static final int ENDED_KEPT = 32;

    // the share of the last bulk write's work orders that were found stored (1: none written yet, assume re-imports)
    private volatile double storedShare = 1;
    private volatile Function<Bson, List<Document>> find;
    private volatile long readAheadFailedAt = System.nanoTime() - READ_AHEAD_PAUSE_NANOS - 1;
    // guarded by itself: what the last bulk writes put in, the number ended since start, and the last of them whose
    // outcome is unknown (sent, then its batch failed)
    private final ArrayDeque<Map<Object, Date>> lastEnded = new ArrayDeque<>();
    private long endedWrites;
    private long lastUnknown;

    /** How a query is run on the reader thread ({@code find} returns what it finds); unset, nothing is read ahead. */
    void readAheadWith(Function<Bson, List<Document>> find) {
        this.find = find;
    }

    /** The share of the last bulk write's work orders that were found stored. */
    double storedShare() {
        return storedShare;
    }

    /**
     * On the reader thread: the stored versions of this bulk write, in queries sized by {@code storedShare} (as of
     * when the bulk write was asked for), unless reading ahead is off or paused.
     */
    void readAhead(BulkWrite write, double storedShare) {
        Function<Bson, List<Document>> query = find;
        if (query == null || write.size() == 0 || System.nanoTime() - readAheadFailedAt <= READ_AHEAD_PAUSE_NANOS) {
            return;
        }
        try {
            // counted before the query: any bulk write ending from now on may be missing from what it finds
            write.seenEnded = endedWrites();
            List<Document> stored = new ArrayList<>();
            for (Bson one : queries(write, storedShare)) {
                stored.addAll(query.apply(one));
            }
            write.storedAhead = stored;
        } catch (RuntimeException e) {
            // MongoDB unreachable or the like: the route queries them itself, and none is read ahead for a while (a
            // stop or a batch ending does not wait for a query timing out)
            write.storedAhead = null;
            readAheadFailedAt = System.nanoTime();
        }
    }

    /**
     * The queries the route makes for this bulk write: none when its versions were read ahead and every bulk write
     * ended since is known (what those put in is merged in by {@link #newest}).
     */
    List<Bson> toQuery(BulkWrite write) {
        if (write.storedAhead != null) {
            write.endedSince = endedSince(write.seenEnded);
            if (write.endedSince == null) {
                write.storedAhead = null;
            }
        }
        return write.storedAhead != null ? List.of() : queries(write, storedShare);
    }

    /**
     * The newest stored date of each of this bulk write's work orders: from what the route's queries {@code found},
     * or what was read ahead and what the bulk writes ended since put in (the later date winning). A stored version
     * without a date (written by something else) is left out, so it is replaced.
     */
    Map<Object, Date> newest(BulkWrite write, List<List<Document>> found) {
        Map<Object, Date> dates = new HashMap<>(write.byNumber.size() * 2);
        int storedCount = 0;
        for (List<Document> stored : write.storedAhead != null ? List.of(write.storedAhead) : found) {
            for (Document doc : stored) {
                if (doc.get("updatedAt") instanceof Date updatedAt) {
                    dates.put(doc.get("number"), updatedAt);
                }
                if (doc.get("_sync") instanceof Document replaced) {
                    write.replaced.put(doc.get("number"), replaced);
                }
                storedCount++;
            }
        }
        storedShare = (double) storedCount / Math.max(1, write.byNumber.size());
        if (write.endedSince != null) {
            for (Map<Object, Date> confirmed : write.endedSince) {
                confirmed.forEach((number, date) -> {
                    if (write.byNumber.containsKey(number)) {
                        dates.merge(number, date, (a, b) -> a.after(b) ? a : b);
                    }
                });
            }
        }
        write.storedAhead = null;
        write.endedSince = null;
        return dates;
    }

    /** A bulk write sent has ended: what it put in is known ({@link BulkWrite#confirmed}). */
    void ended(BulkWrite write) {
        write.ended = true;
        synchronized (lastEnded) {
            endedWrites++;
            keep(write.confirmed);
        }
    }

    /** A bulk write sent whose batch failed: it may have put in any of its records. */
    void endedUnknown(BulkWrite write) {
        write.ended = true;
        synchronized (lastEnded) {
            endedWrites++;
            lastUnknown = endedWrites;
            keep(Map.of());
        }
    }

    private void keep(Map<Object, Date> confirmed) {
        lastEnded.addLast(confirmed);
        if (lastEnded.size() > ENDED_KEPT) {
            lastEnded.removeFirst();
        }
    }

    private long endedWrites() {
        synchronized (lastEnded) {
            return endedWrites;
        }
    }

    /** What the bulk writes ended after the first {@code seen} put in, or null when one is unknown or no longer kept. */
    private List<Map<Object, Date>> endedSince(long seen) {
        synchronized (lastEnded) {
            long since = endedWrites - seen;
            if (since > lastEnded.size() || lastUnknown > seen) {
                return null;
            }
            List<Map<Object, Date>> confirmed = new ArrayList<>((int) since);
            Iterator<Map<Object, Date>> newestFirst = lastEnded.descendingIterator();
            for (long i = 0; i < since; i++) {
                confirmed.add(newestFirst.next());
            }
            return confirmed;
        }
    }

    /**
     * The queries of this bulk write's stored versions, by number only (the unique index serves them): while most
     * work orders are found stored, {@value #NUMBERS_PER_QUERY} numbers per query, since mongo-java-server compares
     * each document found with every number of the {@code $in}; while few are (new work orders), one query, since
     * each query is a round trip.
     */
    private static List<Bson> queries(BulkWrite write, double storedShare) {
        List<Object> numbers = new ArrayList<>(write.byNumber.keySet());
        int perQuery = storedShare < NEW_WORK_ORDERS_SHARE ? Math.max(1, numbers.size()) : NUMBERS_PER_QUERY;
        List<Bson> queries = new ArrayList<>(numbers.size() / perQuery + 1);
        for (int from = 0; from < numbers.size(); from += perQuery) {
            queries.add(Filters.in("number", numbers.subList(from, Math.min(numbers.size(), from + perQuery))));
        }
        return queries;
    }
}
