package io.syncroutes.resources;

import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.WriteModel;
import io.syncroutes.shared.InvalidInputException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The newline-delimited JSON lines of one response, read as they arrive and handed out as bulk-write batches:
 * upserts keyed by the primary key ({@code _id}), or deletes for the deleted lines. A line that is not a JSON
 * object, or lacks its primary key, stops the batches with its line number; a connection that breaks mid-way too.
 * With {@link #prefetch}, one thread reads and parses the next batch while the previous one is written (at most
 * two batches wait: memory stays bounded).
 */
final class LineBatches implements Iterator<List<WriteModel<Document>>>, AutoCloseable {

    private static final Object END = new Object();

    private static final ReplaceOptions UPSERT = new ReplaceOptions().upsert(true);
    private static final JsonFactory JSON_FACTORY = new JsonFactory();
    private static final BsonValueCodec VALUE_CODEC = new BsonValueCodec();
    private static final EncoderContext ENCODE = EncoderContext.builder().build();

    private final ResourceRun run;
    private final String kind;
    private final boolean deletes;
    private final int batchSize;
    private final BufferedReader reader;
    private List<WriteModel<Document>> next;
    private long lineNumber;
    /** The consumer has seen the end. */
    private boolean done;
    /** The response is read to its end (or given up): touched by the reading side only. */
    private boolean eof;
    private BlockingQueue<Object> ahead;
    private Thread readerThread;
    private volatile boolean closed;

    LineBatches(InputStream in, ResourceRun run, String kind, int batchSize) {
        this.run = run;
        this.kind = kind;
        this.deletes = kind.equals("deleted");
        this.batchSize = batchSize;
        this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 64 * 1024);
    }

    /** Reads and parses ahead in a thread of its own, at most two batches ahead of the writes. */
    LineBatches prefetch(String threadName) {
        ahead = new ArrayBlockingQueue<>(2);
        readerThread = new Thread(this::readAhead, threadName);
        readerThread.setDaemon(true);
        readerThread.start();
        return this;
    }

    private void readAhead() {
        Object item;
        do {
            try {
                List<WriteModel<Document>> batch = read();
                item = batch == null ? END : batch;
            } catch (RuntimeException e) {
                item = e;
            }
            try {
                while (!closed && !ahead.offer(item, 100, TimeUnit.MILLISECONDS)) {
                    // the writer is busy: wait, unless the run was abandoned
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        } while (item instanceof List<?> && !closed);
        if (closed) {
            finish();
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean hasNext() {
        if (next == null && !done) {
            if (ahead == null) {
                next = read();
                done = next == null;
            } else {
                Object item;
                try {
                    item = ahead.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new FocusStreamException("Focus " + run.resource().name() + " " + kind + " lines: interrupted");
                }
                if (item instanceof RuntimeException failure) {
                    done = true;
                    throw failure;
                }
                next = item == END ? null : (List<WriteModel<Document>>) item;
                done = item == END;
            }
        }
        return next != null;
    }

    /** Stops reading (the run ended or was abandoned) and releases the response. */
    @Override
    public void close() {
        closed = true;
        if (readerThread == null) {
            finish();
        }
    }

    @Override
    public List<WriteModel<Document>> next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        List<WriteModel<Document>> batch = next;
        next = null;
        return batch;
    }

    private List<WriteModel<Document>> read() {
        if (eof) {
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
                finish();
            }
        } catch (IOException e) {
            finish();
            throw new FocusStreamException("Focus " + run.resource().name() + " " + kind + " lines: the response broke off after line "
                    + lineNumber + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        } catch (RuntimeException e) {
            finish();
            throw e;
        }
        run.stats().add("lines", batch.size());
        return batch.isEmpty() ? null : batch;
    }

    /**
     * One line as its write: parsed with Jackson's streaming parser straight into the BSON the driver sends (no
     * intermediate document, no codec lookups per value); {@code _id} (the primary key) and {@code _syncRun} are
     * appended, the line's own ones ignored. Whole numbers stay int32 or int64, others become doubles.
     */
    @SuppressWarnings("unchecked")
    private WriteModel<Document> model(String line) {
        List<String> primaryKey = run.resource().primaryKey();
        BsonValue[] key = new BsonValue[primaryKey.size()];
        BasicOutputBuffer buffer = deletes ? null : new BasicOutputBuffer(line.length() + 64);
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
                if (name.equals("_id") || name.equals("_syncRun")) {
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
                return new DeleteOneModel<>(Filters.eq("_id", id));
            }
            writer.writeName("_id");
            VALUE_CODEC.encode(writer, id, ENCODE);
            writer.writeInt64("_syncRun", run.runId());
            writer.writeEndDocument();
            RawBsonDocument row = new RawBsonDocument(buffer.getInternalBuffer(), 0, buffer.getPosition());
            // the driver sends a BsonDocument as it is, whatever the collection's document class
            return (WriteModel<Document>) (WriteModel<?>) new ReplaceOneModel<>(Filters.eq("_id", id), row, UPSERT);
        } catch (JsonProcessingException e) {
            throw invalid("not a valid JSON object (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
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

    private void finish() {
        eof = true;
        try {
            reader.close();
        } catch (IOException e) {
            // the response is over either way
        }
    }
}
