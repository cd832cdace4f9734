package io.syncroutes.workorders;

import com.fasterxml.jackson.databind.JsonNode;
import org.bson.Document;

import java.util.Date;

/** A valid record waiting for its bulk write: where it comes from, the record as read, and its translation. */
record PendingRecord(InboundFile file, long index, JsonNode record, Object number, Date updatedAt, Document fields) {
}
