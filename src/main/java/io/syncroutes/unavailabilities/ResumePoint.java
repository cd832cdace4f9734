package io.syncroutes.unavailabilities;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import io.syncroutes.shared.VersionedState;
import org.bson.Document;

import java.time.Instant;
import java.util.Date;

/**
 * Where the next run starts: the local fleet resource a stopped run did not reach. Kept in {@code sync_state}
 * ({@code _id: unavailabilities}) so that a restart, another instance taking over, or the next {@code --once} resumes
 * there; kept in memory too, for when MongoDB cannot be read.
 */
final class ResumePoint {

    static final String ID = "unavailabilities";

    private final VersionedState store;
    private volatile String inMemory;

    ResumePoint(MongoCollection<Document> syncState) {
        this.store = new VersionedState(syncState);
    }

    /** The local fleet resource to start with, or null (from the first). */
    String read() {
        try {
            Document saved = store.read(ID);
            return saved == null ? null : saved.getString("resumeFrom");
        } catch (MongoException e) {
            return inMemory;
        }
    }

    /** Saves where the next run starts (null: from the first); a newer save by another instance stays. */
    void save(String localId) {
        inMemory = localId;
        try {
            Document read = store.read(ID);
            store.save(new Document("_id", ID).append("resumeFrom", localId).append("savedAt", Date.from(Instant.now())),
                    VersionedState.version(read));
        } catch (MongoException e) {
            // kept in memory: this instance resumes there, another starts from the first (the diff is idempotent)
        }
    }
}
