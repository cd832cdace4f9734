package io.syncroutes.workorders;

import com.mongodb.bulk.BulkWriteError;
import com.mongodb.bulk.BulkWriteUpsert;
import org.bson.Document;

import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One bulk write of a batch: at most one record per work order, the newest seen (ties: the later one), and what
 * it put in once written, which the {@link StoredVersions} of later bulk writes read ahead take into account.
 */
public final class BulkWrite {

    final Map<Object, PendingRecord> byNumber = new LinkedHashMap<>();
    // the records sent, in the order of the upserts
    final List<PendingRecord> written = new ArrayList<>();
    // the versions this bulk write put in, once it is written
    final Map<Object, Date> confirmed = new HashMap<>();
    // the provenance (_sync) of the stored versions this bulk write replaces, by number
    final Map<Object, Document> replaced = new HashMap<>();
    // the stored versions, read ahead (null: queried by the route) once this many bulk writes had ended, and what
    // those ended since then put in
    List<Document> storedAhead;
    long seenEnded;
    List<Map<Object, Date>> endedSince;
    // sent to MongoDB (some upserts left), and ended (written, or partly: what it put in is known)
    boolean sent;
    boolean ended;

    /** Adds a record; an older version of the same work order already in this write, or this one, is stale. */
    void add(PendingRecord record) {
        PendingRecord other = byNumber.get(record.number());
        if (other == null) {
            byNumber.put(record.number(), record);
        } else if (!record.updatedAt().before(other.updatedAt())) {
            other.file().stale(other, "stale: a newer or equal version (lastUpdateDate " + record.updatedAt().toInstant()
                    + ") follows in " + record.file().name() + " at index " + record.index() + "; that one is imported");
            byNumber.put(record.number(), record);
        } else {
            record.file().stale(record, "stale: lastUpdateDate " + record.updatedAt().toInstant() + " is older than "
                    + other.updatedAt().toInstant() + " of the version in " + other.file().name() + " at index "
                    + other.index() + "; that one is imported");
        }
    }

    int size() {
        return byNumber.size();
    }

    /** Counts each record sent as upserted (and new, when inserted), or rejected with MongoDB's reason. */
    void count(List<BulkWriteUpsert> inserted, Map<Integer, BulkWriteError> refused) {
        for (int i = 0; i < written.size(); i++) {
            PendingRecord record = written.get(i);
            BulkWriteError error = refused.get(i);
            if (error != null) {
                record.file().reject(record.index(), record.record(),
                        List.of("refused by MongoDB (code " + error.getCode() + "): " + error.getMessage()));
            } else {
                record.file().stats().increment("upserted");
                confirmed.put(record.number(), record.updatedAt());
            }
        }
        for (BulkWriteUpsert upsert : inserted) {
            written.get(upsert.getIndex()).file().stats().increment("new");
        }
    }
}
