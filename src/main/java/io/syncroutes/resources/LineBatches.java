package io.syncroutes.resources;

import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.WriteModel;
import io.syncroutes.shared.InvalidInputException;
import org.bson.Document;
import org.bson.json.JsonParseException;

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

    private WriteModel<Document> model(String line) {
        Document row;
        try {
            row = Document.parse(line);
        } catch (JsonParseException | IllegalArgumentException | ClassCastException e) {
            throw invalid("not a valid JSON object (" + e.getMessage() + ")");
        }
        Object key = key(row);
        if (deletes) {
            return new DeleteOneModel<>(Filters.eq("_id", key));
        }
        run.seen(row.get("created_at"));
        run.seen(row.get("updated_at"));
        row.put("_id", key);
        row.put("_syncRun", run.runId());
        return new ReplaceOneModel<>(Filters.eq("_id", key), row, UPSERT);
    }

    /** The row's primary key: the value of its one key column, or a document of its key columns in schema order. */
    private Object key(Document row) {
        List<String> columns = run.resource().primaryKey();
        if (columns.size() == 1) {
            Object value = row.get(columns.get(0));
            if (value == null) {
                throw invalid("no value for primary-key column " + columns.get(0));
            }
            return value;
        }
        Document key = new Document();
        for (String column : columns) {
            Object value = row.get(column);
            if (value == null) {
                throw invalid("no value for primary-key column " + column);
            }
            key.put(column, value);
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
