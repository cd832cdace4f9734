package io.syncroutes.workorders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncroutes.shared.InvalidInputException;
import io.syncroutes.shared.SyncStats;
import org.bson.Document;

import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;

/**
 * One inbound file of a batch: its valid records, validated and translated; its counts; its rejected records,
 * each with its reasons in {@code <file>.rejected.ndjson}; and why it failed, if it did.
 */
final class InboundFile {

    /** Stands for a record that was rejected (written to the rejects), in the stream of valid ones. */
    static final PendingRecord REJECTED = new PendingRecord(null, -1, null, null, null, null);

    private final InboundFiles files;
    private final File path;
    private final String name;
    private final SyncStats stats;
    // the size and time the file consumer listed it with (-1: not known)
    final long listedLength;
    private final long listedModified;
    private FileRecords records;
    private BufferedWriter rejects;
    private boolean rejectsStarted;
    private boolean ended;
    // why the file is rejected whole, or why it was not complete when read (then it stays in the inbound folder)
    String failed;
    String incomplete;
    // a file read ahead: its bytes (until its records are read from them), or why reading it failed
    private byte[] content;
    private Exception readAheadFailure;
    private long heldBytes;

    InboundFile(InboundFiles files, File path, long listedLength, long listedModified) {
        this.files = files;
        this.path = path;
        this.name = path.getName();
        this.listedLength = listedLength;
        this.listedModified = listedModified;
        this.stats = new SyncStats("workorders-inbound", name, "read", "upserted", "new", "rejected", "stale");
    }

    String name() {
        return name;
    }

    SyncStats stats() {
        return stats;
    }

    /** Reads the whole (small) file's bytes now; {@link #next} parses them later, or fails where reading failed. */
    void readAll(long bytes) {
        heldBytes = bytes;
        try {
            content = Files.readAllBytes(path.toPath());
        } catch (IOException | RuntimeException e) {
            readAheadFailure = e;
        }
    }

    /**
     * The next valid record, {@link #REJECTED} for an invalid one, or null at the end of the file. None before the
     * whole file is known to be sound JSON ({@link FileRecords}).
     */
    PendingRecord next() throws IOException {
        Exception failure = readAheadFailure;
        if (failure != null) {
            readAheadFailure = null;
            ended = true;
            if (failure instanceof IOException io) {
                throw io;
            }
            throw (RuntimeException) failure;
        }
        if (ended) {
            return null;
        }
        if (records == null) {
            records = new FileRecords(files.mapper, path, content, listedLength, listedModified);
            content = null;
        }
        JsonNode record;
        try {
            record = records.next();
        } catch (RuntimeException | IOException e) {
            stats.add("read", records.readBeforeFailure());
            throw e;
        }
        if (record == null) {
            ended = true;
            records.close();
            return null;
        }
        stats.increment("read");
        return validate(record, records.index());
    }

    /** The time the file was listed with (or, not known, its time now). */
    long listedModified() {
        return listedModified >= 0 ? listedModified : path.lastModified();
    }

    /** The file could not be read: why, or why it is not complete yet (then it stays in the inbound folder). */
    void failed(Exception e) {
        if (e instanceof IncompleteFileException) {
            incomplete = e.getMessage();
        } else {
            failed = reason(e);
        }
        closeQuietly();
    }

    private PendingRecord validate(JsonNode record, long index) {
        if (!record.isObject()) {
            return reject(index, record, List.of("record is not a JSON object"));
        }
        List<String> reasons = files.validator.validate(record);
        if (!reasons.isEmpty()) {
            return reject(index, record, reasons);
        }
        Document fields;
        try {
            fields = files.translator.toTracos(record);
        } catch (IllegalArgumentException e) {
            return reject(index, record, List.of(e.getMessage()));
        }
        return new PendingRecord(this, index, record, fields.get("number"), fields.getDate("updatedAt"), fields);
    }

    PendingRecord reject(long index, JsonNode record, List<String> reasons) {
        stats.increment("rejected");
        if (files.plan != null) {
            files.plan.add("rejected", name + " #" + index + ": " + String.join("; ", reasons));
            return REJECTED;
        }
        writeRejected(index, record, reasons);
        return REJECTED;
    }

    void stale(PendingRecord record, String reason) {
        stats.increment("stale");
        if (files.plan != null) {
            files.plan.add("stale", name + " #" + record.index() + ": " + reason);
            return;
        }
        writeRejected(record.index(), record.record(), List.of(reason));
    }

    // synchronized: the reader thread rejects records of a file while the batch's thread lists its stale ones
    private synchronized void writeRejected(long index, JsonNode record, List<String> reasons) {
        ObjectNode line = files.mapper.createObjectNode().put("file", name).put("index", index);
        if (record.has("orderNo")) {
            line.set("orderNo", record.get("orderNo"));
        }
        line.putPOJO("reasons", reasons);
        line.set("record", record);
        try {
            if (rejects == null) {
                // a stale record may be found after the file was closed: then it is appended
                Files.createDirectories(files.errorDir);
                Path rejected = files.errorDir.resolve(name + ".rejected.ndjson");
                rejects = rejectsStarted
                        ? Files.newBufferedWriter(rejected, StandardCharsets.UTF_8, StandardOpenOption.APPEND)
                        : Files.newBufferedWriter(rejected, StandardCharsets.UTF_8);
                rejectsStarted = true;
            }
            rejects.write(files.mapper.writeValueAsString(line));
            rejects.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write rejected record to " + files.errorDir, e);
        }
    }

    /** Rejected whole: writes {@code <file>.error.json} with why and its counts; returns where the file goes. */
    Path writeErrorReport() throws IOException {
        ObjectNode report = files.mapper.createObjectNode()
                .put("file", name)
                .put("reason", failed)
                .put("failedAt", Instant.now().toString())
                .put("recordsRead", stats.get("read"))
                .put("recordsUpserted", stats.get("upserted"))
                .put("recordsRejected", stats.get("rejected"))
                .put("recordsStale", stats.get("stale"));
        Files.createDirectories(files.errorDir);
        files.mapper.writerWithDefaultPrettyPrinter().writeValue(files.errorDir.resolve(name + ".error.json").toFile(), report);
        return files.errorDir.resolve(name);
    }

    /** Ends reading: the bytes read ahead are given back, the rejects file closed (reopened if a stale one follows). */
    synchronized void closeQuietly() {
        ended = true;
        content = null;
        if (heldBytes > 0) {
            files.released(heldBytes);
            heldBytes = 0;
        }
        try {
            if (records != null) {
                records.close();
            }
        } catch (IOException ignored) {
            // nothing left to read from it
        }
        try {
            if (rejects != null) {
                rejects.close();
                rejects = null;
            }
        } catch (IOException e) {
            failed = failed != null ? failed : "cannot write " + name + ".rejected.ndjson: " + e.getMessage();
        }
    }

    /** Why a file or batch failed, as its error report says: the bad input's own message, else the root cause. */
    static String reason(Throwable cause) {
        if (cause == null) {
            return "unknown error";
        }
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof InvalidInputException) {
                return t.getMessage();
            }
        }
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
