package io.syncroutes.shared;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * Sync-state documents written by compare-and-set on a {@code version} field: a run saves its state only if the
 * document is still the version it read, so two instances that both lead for a moment never overwrite each other's
 * newer state (the later run's save is refused and it changes nothing).
 */
public final class VersionedState {

    public static final String VERSION = "version";

    private final MongoCollection<Document> collection;

    public VersionedState(MongoCollection<Document> collection) {
        this.collection = collection;
    }

    /** The state document {@code id}, or null. */
    public Document read(Object id) {
        return collection.find(Filters.eq("_id", id)).first();
    }

    /** The version of a document read ({@code 0}: none yet, or written before versions). */
    public static long version(Document read) {
        Object version = read == null ? null : read.get(VERSION);
        return version instanceof Number n ? n.longValue() : 0;
    }

    /**
     * Saves {@code next} (its {@code _id} set) as the version after {@code readVersion}. Returns false, writing
     * nothing, when another writer saved the document since it was read.
     */
    public boolean save(Document next, long readVersion) {
        next.put(VERSION, readVersion + 1);
        Object id = next.get("_id");
        if (readVersion == 0) {
            // no versioned document read: insert it, or replace one written before versions existed
            Bson unversioned = Filters.and(Filters.eq("_id", id), Filters.exists(VERSION, false));
            if (collection.replaceOne(unversioned, next).getMatchedCount() == 1) {
                return true;
            }
            try {
                collection.insertOne(next);
                return true;
            } catch (MongoWriteException e) {
                if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                    return false;
                }
                throw e;
            }
        }
        return collection.replaceOne(Filters.and(Filters.eq("_id", id), Filters.eq(VERSION, readVersion)), next).getMatchedCount() == 1;
    }
}
