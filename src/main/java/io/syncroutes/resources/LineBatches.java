package io.syncroutes.resources;

import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.WriteModel;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.syncroutes.shared.InvalidInputException;
import io.syncroutes.shared.PrefetchingIterator;
import org.bson.BsonBinaryWriter;
import org.bson.BsonDocument;
import org.bson.BsonDocumentWriter;
import org.bson.BsonValue;
import org.bson.BsonWriter;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonValueCodec;
import org.bson.codecs.EncoderContext;
import org.bson.io.BasicOutputBuffer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * The newline-delimited JSON lines of one response, read as they arrive into bulk-write batches: upserts keyed by
 * the primary key ({@code _id}), or deletes for the deleted lines. A line that is not a JSON object, or lacks its
 * primary key, stops the batches with its line number; a connection that breaks mid-way too.
 */
final class LineBatches {

    private static final ReplaceOptions UPSERT = new ReplaceOptions().upsert(true);
    private static final JsonFactory JSON_FACTORY = new JsonFactory();
    private static final BsonValueCodec VALUE_CODEC = new BsonValueCodec();
    private static final EncoderContext ENCODE = EncoderContext.builder().build();

    private final ResourceRun run;
    private final String kind;
    private final boolean deletes;
    private final int batchSize;
    private final BufferedReader reader;
    private long lineNumber;
    private boolean ended;
    // the keys of the deleted lines of the batch being read
    private final List<BsonValue> deletedKeys = new ArrayList<>();

    LineBatches(InputStream in, ResourceRun run, String kind, int batchSize) {
        this.run = run;
        this.kind = kind;
        this.deletes = kind.equals("deleted");
        this.batchSize = batchSize;
        this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 64 * 1024);
    }

    /**
     * The batches, each read and parsed on one of {@code readers}' threads while the one before it is written; the
     * response is released however the run ends, once no read is in flight ({@link PrefetchingIterator#abandon}).
     */
    PrefetchingIterator<List<WriteModel<Document>>> prefetch(Executor readers) {
        return new PrefetchingIterator<>(() -> this::read, () -> ended, readers, this::close);
    }

    /** The next batch, or null once the response is read to its end. */
    List<WriteModel<Document>> read() {
        if (ended) {
            return null;
        }
        List<WriteModel<Document>> batch = new ArrayList<>(batchSize);
        try {
            String line;
            while (batch.size() < batchSize && (line = reader.readLine()) != null) {
                lineNumber++;
                if (!line.isBlank()) {
                    batch.add(model(line));
                }
            }
            if (batch.size() < batchSize) {
                close();
            }
        } catch (IOException e) {
            close();
            throw new FocusStreamException("Focus " + run.resource().name() + " " + kind + " lines: the response broke off after line "
                    + lineNumber + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        run.stats().add("lines", batch.size());
        run.deleting(List.copyOf(deletedKeys));
        deletedKeys.clear();
        return batch.isEmpty() ? null : batch;
    }

    /**
     * One line as its write: parsed with Jackson's streaming parser straight into the BSON the driver sends (no
     * intermediate document, no codec lookups per value); {@code _id} (the primary key), {@code _syncRun} and the
     * provenance {@code _sync} (resource, kind of lines, row timestamp, run, when) are appended, the line's own ones
     * ignored. Whole numbers stay int32 or int64, others become doubles. A deleted row goes to the ledger.
     */
    @SuppressWarnings("unchecked")
    private WriteModel<Document> model(String line) {
        List<String> primaryKey = run.resource().primaryKey();
        BsonValue[] key = new BsonValue[primaryKey.size()];
        BasicOutputBuffer buffer = deletes ? null : new BasicOutputBuffer(line.length() + 192);
        String rowTimestamp = null;
        try (JsonParser parser = JSON_FACTORY.createParser(line);
             BsonBinaryWriter writer = deletes ? null : new BsonBinaryWriter(buffer)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw invalid("not a JSON object");
            }
            if (writer != null) {
                writer.writeStartDocument();
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                int keyIndex = primaryKey.indexOf(name);
                if (name.equals("_id") || name.equals("_syncRun") || name.equals("_sync")) {
                    parser.skipChildren();
                } else if (keyIndex >= 0) {
                    key[keyIndex] = readValue(parser);
                    if (writer != null) {
                        writer.writeName(name);
                        VALUE_CODEC.encode(writer, key[keyIndex], ENCODE);
                    }
                } else if (writer == null) {
                    parser.skipChildren();
                } else {
                    if (value == JsonToken.VALUE_STRING && (name.equals("created_at") || name.equals("updated_at"))) {
                        run.seen(parser.getText());
                        if (rowTimestamp == null || name.equals("updated_at")) {
                            rowTimestamp = parser.getText();
                        }
                    }
                    writer.writeName(name);
                    copy(parser, writer);
                }
            }
            if (parser.nextToken() != null) {
                throw invalid("text after the JSON object");
            }
            BsonValue id = key(primaryKey, key);
            if (writer == null) {
                deletedKeys.add(id);
                return new DeleteOneModel<>(Filters.eq("_id", id));
            }
            writer.writeName("_id");
            VALUE_CODEC.encode(writer, id, ENCODE);
            writer.writeInt64("_syncRun", run.runId());
            writer.writeStartDocument("_sync");
            writer.writeString("runId", run.stats().runId());
            writer.writeDateTime("writtenAt", System.currentTimeMillis());
            writer.writeStartDocument("source");
            writer.writeString("resource", run.resource().name());
            writer.writeString("kind", kind);
            if (rowTimestamp == null) {
                writer.writeNull("rowTimestamp");
            } else {
                writer.writeString("rowTimestamp", rowTimestamp);
            }
            writer.writeEndDocument();
            writer.writeEndDocument();
            writer.writeEndDocument();
            RawBsonDocument row = new RawBsonDocument(buffer.getInternalBuffer(), 0, buffer.getPosition());
            // the driver sends a BsonDocument as it is, whatever the collection's document class
            return (WriteModel<Document>) (WriteModel<?>) new ReplaceOneModel<>(Filters.eq("_id", id), row, UPSERT);
        } catch (JsonProcessingException e) {
            throw invalid("not a valid JSON object (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies the JSON value at the parser's current token into the writer (its name already written). */
    private static void copy(JsonParser parser, BsonWriter writer) throws IOException {
        switch (parser.currentToken()) {
            case START_OBJECT -> {
                writer.writeStartDocument();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    writer.writeName(parser.currentName());
                    parser.nextToken();
                    copy(parser, writer);
                }
                writer.writeEndDocument();
            }
            case START_ARRAY -> {
                writer.writeStartArray();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    copy(parser, writer);
                }
                writer.writeEndArray();
            }
            case VALUE_STRING -> writer.writeString(parser.getText());
            case VALUE_NUMBER_INT -> {
                switch (parser.getNumberType()) {
                    case INT -> writer.writeInt32(parser.getIntValue());
                    case LONG -> writer.writeInt64(parser.getLongValue());
                    default -> writer.writeDouble(parser.getDoubleValue());
                }
            }
            case VALUE_NUMBER_FLOAT -> writer.writeDouble(parser.getDoubleValue());
            case VALUE_TRUE -> writer.writeBoolean(true);
            case VALUE_FALSE -> writer.writeBoolean(false);
            case VALUE_NULL -> writer.writeNull();
            default -> throw new JsonParseException(parser, "unexpected " + parser.currentToken());
        }
    }

    /** The JSON value at the parser's current token, as a BSON value (for the primary-key columns). */
    private static BsonValue readValue(JsonParser parser) throws IOException {
        BsonDocument holder = new BsonDocument();
        BsonDocumentWriter writer = new BsonDocumentWriter(holder);
        writer.writeStartDocument();
        writer.writeName("v");
        copy(parser, writer);
        writer.writeEndDocument();
        return holder.get("v");
    }

    /** The row's primary key: the value of its one key column, or a document of its key columns in schema order. */
    private BsonValue key(List<String> columns, BsonValue[] values) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null || values[i].isNull()) {
                throw invalid("no value for primary-key column " + columns.get(i));
            }
        }
        if (values.length == 1) {
            return values[0];
        }
        BsonDocument key = new BsonDocument();
        for (int i = 0; i < values.length; i++) {
            key.append(columns.get(i), values[i]);
        }
        return key;
    }

    private InvalidInputException invalid(String why) {
        return new InvalidInputException("Focus " + run.resource().name() + " " + kind + " lines, line " + lineNumber + ": " + why);
    }

    /** Stops reading and releases the response. */
    void close() {
        ended = true;
        try {
            reader.close();
        } catch (IOException e) {
            // the response is over either way
        }
    }
}
