package io.syncroutes.workorders;

import com.fasterxml.jackson.databind.JsonNode;
import org.bson.Document;

import java.util.Date;

/** A valid record waiting for its bulk write: where it comes from, the record as read, and its translation. */
record PendingRecord(InboundFile file, long index, JsonNode record, Object number, Date updatedAt, Document fields) {

    /** Counts this record stale in its file if it is older than the stored version ({@code stored}: null when none); whether it was. */
    boolean staleAgainst(Date stored) {
        if (stored == null || !updatedAt.before(stored)) {
            return false;
        }
        file.stale(this, "stale: lastUpdateDate " + updatedAt.toInstant() + " is older than the stored version's "
                + stored.toInstant() + "; the stored version is kept");
        return true;
    }
}
