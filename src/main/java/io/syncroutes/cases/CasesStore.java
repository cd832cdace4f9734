package io.syncroutes.cases;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.WriteModel;
import io.syncroutes.shared.LongSet;
import io.syncroutes.shared.Provenance;
import io.syncroutes.shared.VersionedState;
import org.bson.Document;
import org.bson.types.Decimal128;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * The local copy of Intempus cases in MongoDB: one document per case, the case JSON as received with
 * {@code _id} = its Intempus {@code id} (int64), {@code logical_timestamp} always an int64. Writes are conditional
 * on the logical timestamp read just before (an older version is not written over a newer one). Writes go by
 * {@code _id} alone, the only key the embedded server's index serves; a local API write racing a sync page in
 * between is repaired by the next delta (or at the latest the next full walk), which compares timestamps again. Also keeps the flow's sync state (watermark, last full sync) in {@code sync_state}.
 */
public final class CasesStore {

    static final String TIMESTAMP = "logical_timestamp";
    private static final String STATE_ID = "cases";

    private final MongoCollection<Document> cases;
    private final VersionedState state;

    public CasesStore(MongoCollection<Document> cases, MongoCollection<Document> state) {
        this.cases = cases;
        this.state = new VersionedState(state);
    }

    /** What a write did. */
    public enum Outcome { INSERTED, UPDATED, UNCHANGED }

    /** The sync state kept between runs: the delta watermark and when the last full and last successful runs ended. */
    public record SyncMark(Long watermark, Instant lastFullAt, Instant lastSuccessAt, long version) {
        static final SyncMark NONE = new SyncMark(null, null, null, 0);

        /** The mark a run ending now saves, as the version after this one (compare-and-set). */
        public SyncMark next(Long watermark, Instant lastFullAt, Instant lastSuccessAt) {
            return new SyncMark(watermark, lastFullAt, lastSuccessAt, version);
        }
    }

    /** A case as its MongoDB document: {@code _id} first, then the fields as received. */
    public static Document toDocument(ObjectNode json) {
        Document doc = new Document("_id", json.get("id").asLong());
        json.fields().forEachRemaining(e -> doc.put(e.getKey(), value(e.getValue())));
        doc.put(TIMESTAMP, json.get(TIMESTAMP).asLong());
        return doc;
    }

    private static Object value(JsonNode node) {
        switch (node.getNodeType()) {
            case NULL, MISSING:
                return null;
            case BOOLEAN:
                return node.booleanValue();
            case STRING:
                return node.textValue();
            case NUMBER:
                if (node.isInt()) {
                    return node.intValue();
                }
                if (node.isLong()) {
                    return node.longValue();
                }
                if (node.isBigInteger() || node.isBigDecimal()) {
                    return new Decimal128(new BigDecimal(node.asText()));
                }
                return node.doubleValue();
            case ARRAY:
                List<Object> list = new ArrayList<>(node.size());
                node.forEach(item -> list.add(value(item)));
                return list;
            case OBJECT:
                Document doc = new Document();
                node.fields().forEachRemaining(e -> doc.put(e.getKey(), value(e.getValue())));
                return doc;
            default:
                return node.asText();
        }
    }

    /** The local logical timestamps of these ids (absent: not stored). */
    public Map<Long, Long> timestamps(Collection<Long> ids) {
        Map<Long, Long> found = new HashMap<>(ids.size() * 2);
        if (ids.isEmpty()) {
            return found;
        }
        for (Document doc : cases.find(Filters.in("_id", ids)).projection(Projections.include(TIMESTAMP))) {
            found.put(((Number) doc.get("_id")).longValue(), timestamp(doc));
        }
        return found;
    }

    /**
     * Applies one page's changes in one unordered bulk write: {@code inserts} are new cases, {@code updates} newer
     * versions of stored ones. Every write is addressed by {@code _id} alone (the embedded server uses its index
     * only for exactly that). An insert that finds the case already there (written meanwhile through the local
     * API) counts as unchanged. Returns {inserted, updated}.
     */
    public long[] apply(List<Document> inserts, List<Document> updates) {
        List<WriteModel<Document>> writes = new ArrayList<>(inserts.size() + updates.size());
        inserts.forEach(doc -> writes.add(new InsertOneModel<>(doc)));
        updates.forEach(doc -> writes.add(new ReplaceOneModel<>(Filters.eq("_id", doc.get("_id")), doc)));
        if (writes.isEmpty()) {
            return new long[] {0, 0};
        }
        try {
            BulkWriteResult result = cases.bulkWrite(writes, new BulkWriteOptions().ordered(false));
            return new long[] {result.getInsertedCount(), result.getModifiedCount()};
        } catch (MongoBulkWriteException e) {
            for (BulkWriteError error : e.getWriteErrors()) {
                if (ErrorCategory.fromErrorCode(error.getCode()) != ErrorCategory.DUPLICATE_KEY) {
                    throw e;
                }
            }
            return new long[] {e.getWriteResult().getInsertedCount(), e.getWriteResult().getModifiedCount()};
        }
    }

    /**
     * Stores one case Intempus returned (local API) unless a newer or equal version is already stored; {@code stamp}
     * makes its {@code _sync} from the one stored (null when none).
     */
    public Outcome storeIfNewer(Document doc, Function<Object, Document> stamp) {
        long ts = timestamp(doc);
        Document current = cases.find(Filters.eq("_id", doc.get("_id"))).projection(Projections.include(TIMESTAMP, Provenance.FIELD)).first();
        doc.put(Provenance.FIELD, stamp.apply(current == null ? null : current.get(Provenance.FIELD)));
        if (current == null) {
            try {
                cases.insertOne(doc);
                return Outcome.INSERTED;
            } catch (MongoWriteException e) {
                if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                    throw e;
                }
                current = cases.find(Filters.eq("_id", doc.get("_id"))).projection(Projections.include(TIMESTAMP, Provenance.FIELD)).first();
                doc.put(Provenance.FIELD, stamp.apply(current == null ? null : current.get(Provenance.FIELD)));
            }
        }
        if (current != null && timestamp(current) >= ts) {
            return Outcome.UNCHANGED;
        }
        cases.replaceOne(Filters.eq("_id", doc.get("_id")), doc, new ReplaceOptions().upsert(true));
        return Outcome.UPDATED;
    }

    /** The {@code _sync} of these stored cases (absent: none), read for the history of the ones a page replaces. */
    public Map<Long, Object> provenance(Collection<Long> ids) {
        Map<Long, Object> found = new HashMap<>();
        if (!ids.isEmpty()) {
            for (Document doc : cases.find(Filters.in("_id", ids)).projection(Projections.include(Provenance.FIELD))) {
                found.put(((Number) doc.get("_id")).longValue(), doc.get(Provenance.FIELD));
            }
        }
        return found;
    }

    /** The {@code _sync} of the case with this id (given as text), or null. */
    public Document provenanceOf(String id) {
        long key;
        try {
            key = Long.parseLong(id.trim());
        } catch (NumberFormatException e) {
            return null;
        }
        Document doc = cases.find(Filters.eq("_id", key)).projection(Projections.include(Provenance.FIELD)).first();
        return doc == null ? null : doc.get(Provenance.FIELD, Document.class);
    }

    public Document get(long id) {
        return cases.find(Filters.eq("_id", id)).first();
    }

    public boolean delete(long id) {
        return cases.deleteOne(Filters.eq("_id", id)).getDeletedCount() == 1;
    }

    /** Every stored case's logical timestamp (id -> timestamp), read with one cursor. */
    public Map<Long, Long> allTimestamps() {
        Map<Long, Long> all = new HashMap<>();
        try (MongoCursor<Document> cursor = cases.find().projection(Projections.include(TIMESTAMP)).batchSize(5000).iterator()) {
            while (cursor.hasNext()) {
                Document doc = cursor.next();
                all.put(((Number) doc.get("_id")).longValue(), timestamp(doc));
            }
        }
        return all;
    }

    public long count() {
        return cases.countDocuments();
    }

    /** One page of cases ordered by id. */
    public List<Document> page(int offset, int limit) {
        return cases.find().sort(Sorts.ascending("_id")).skip(offset).limit(limit).into(new ArrayList<>());
    }

    /**
     * Deletes the local cases a complete full walk did not see, except those written after the walk started
     * ({@code logical_timestamp > walkStartTimestamp}: created through the local API meanwhile). Returns how many.
     */
    public long deleteUnseen(LongSet seen, long walkStartTimestamp, LongConsumer deleting) {
        List<Long> gone = unseen(seen, walkStartTimestamp);
        gone.forEach(deleting::accept);
        long deleted = 0;
        for (int from = 0; from < gone.size(); from += 1000) {
            deleted += cases.deleteMany(Filters.in("_id", gone.subList(from, Math.min(gone.size(), from + 1000)))).getDeletedCount();
        }
        return deleted;
    }

    /** The ids of the stored cases a complete walk did not see, stored before it started (what it deletes). */
    public List<Long> unseen(LongSet seen, long walkStartTimestamp) {
        List<Long> gone = new ArrayList<>();
        try (MongoCursor<Document> all = cases.find().projection(Projections.include(TIMESTAMP)).batchSize(5000).iterator()) {
            while (all.hasNext()) {
                Document doc = all.next();
                long id = ((Number) doc.get("_id")).longValue();
                if (!seen.contains(id) && timestamp(doc) <= walkStartTimestamp) {
                    gone.add(id);
                }
            }
        }
        return gone;
    }

    public SyncMark mark() {
        Document doc = state.read(STATE_ID);
        if (doc == null) {
            return SyncMark.NONE;
        }
        Object watermark = doc.get("watermark");
        return new SyncMark(watermark == null ? null : ((Number) watermark).longValue(), instant(doc.getDate("lastFullAt")),
                instant(doc.getDate("lastSuccessAt")), VersionedState.version(doc));
    }

    /**
     * Saves the mark a run ends with, if the stored one is still the version the run started from; false (nothing
     * written) when another instance saved a mark meanwhile.
     */
    public boolean saveMark(SyncMark mark) {
        Document doc = new Document("_id", STATE_ID).append("watermark", mark.watermark())
                .append("lastFullAt", mark.lastFullAt() == null ? null : Date.from(mark.lastFullAt()))
                .append("lastSuccessAt", mark.lastSuccessAt() == null ? null : Date.from(mark.lastSuccessAt()));
        return state.save(doc, mark.version());
    }

    static long timestamp(Document doc) {
        Object value = doc.get(TIMESTAMP);
        return value instanceof Number n ? n.longValue() : Long.MIN_VALUE;
    }

    private static Instant instant(Date date) {
        return date == null ? null : date.toInstant();
    }

}
