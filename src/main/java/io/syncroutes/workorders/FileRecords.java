package io.syncroutes.workorders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncroutes.shared.InvalidInputException;
import io.syncroutes.shared.JsonRecordReader;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * The records of one inbound file, handed out only once the whole file is known to be one sound JSON document, so
 * that no record of a file still being written (or broken) gets into a bulk write. A small file is held in memory
 * and parsed whole first; a larger one is read through once without building its records, then streamed in
 * constant memory. A file whose JSON ended early, or that changed since it was listed, fails with
 * {@link IncompleteFileException}; a broken one with the {@link InvalidInputException} saying where.
 */
final class FileRecords implements Closeable {

    /** Reopens the file, or its bytes held in memory, for a second look. */
    private interface Source {
        InputStream open() throws IOException;
    }

    private final ObjectMapper mapper;
    private final File path;
    // the file's size and time as listed (and locked) by the file consumer; -1: not known
    private final long listedLength;
    private final long listedModified;
    private byte[] content;
    private boolean started;
    // a file held in memory: its one top-level value, or the elements of its top-level array, not yet handed out
    private JsonNode single;
    private List<JsonNode> elements;
    private int handedOut;
    // a larger file, once read through: streamed
    private InputStream in;
    private JsonRecordReader reader;
    private long index = -1;
    private long readBeforeFailure;

    /** {@code content}: the file's bytes when read already, else null (read here). */
    FileRecords(ObjectMapper mapper, File path, byte[] content, long listedLength, long listedModified) {
        this.mapper = mapper;
        this.path = path;
        this.content = content;
        this.listedLength = listedLength;
        this.listedModified = listedModified;
    }

    /** The next record, or null after the last one. */
    JsonNode next() throws IOException {
        if (!started) {
            started = true;
            if (content == null && listedLength >= 0 && listedLength <= InboundFiles.READ_AHEAD_MAX_FILE_BYTES) {
                content = Files.readAllBytes(path.toPath());
            }
            if (content != null) {
                parseWhole();
            } else {
                readThrough();
            }
        }
        if (reader != null) {
            return streamed();
        }
        if (single != null) {
            JsonNode record = single;
            single = null;
            index = 0;
            return record;
        }
        if (elements != null && handedOut < elements.size()) {
            index = handedOut;
            return elements.set(handedOut++, null);
        }
        return null;
    }

    /** Zero-based position in the file of the last record handed out. */
    long index() {
        return index;
    }

    /** Records parsed before the file failed and not handed out (none of them is imported). */
    long readBeforeFailure() {
        return readBeforeFailure;
    }

    private void parseWhole() throws IOException {
        byte[] bytes = content;
        content = null;
        try (JsonRecordReader whole = new JsonRecordReader(mapper, new ByteArrayInputStream(bytes))) {
            try {
                JsonNode first = whole.next();
                if (first != null && !whole.isArray()) {
                    // the end, or content after the top-level value (fails)
                    whole.next();
                    single = first;
                } else if (first != null) {
                    elements = new ArrayList<>();
                    for (JsonNode record = first; record != null; record = whole.next()) {
                        elements.add(record);
                    }
                }
            } catch (InvalidInputException e) {
                readBeforeFailure = whole.index() + 1;
                single = null;
                elements = null;
                throw incompleteOr(e, () -> new ByteArrayInputStream(bytes));
            }
        }
    }

    /** A larger file: read through once without building its records; sound to the end, it is then streamed. */
    private void readThrough() throws IOException {
        try (InputStream scan = Files.newInputStream(path.toPath()); JsonRecordReader whole = new JsonRecordReader(mapper, scan)) {
            try {
                whole.skipRest();
            } catch (InvalidInputException e) {
                readBeforeFailure = whole.index() + 1;
                throw incompleteOr(e, () -> Files.newInputStream(path.toPath()));
            }
        }
        in = Files.newInputStream(path.toPath());
        reader = new JsonRecordReader(mapper, in);
    }

    private JsonNode streamed() {
        try {
            JsonNode record = reader.next();
            index = reader.index();
            return record;
        } catch (InvalidInputException e) {
            // sound when read through, broken now: changed meanwhile, or else broken
            String changed = changedSinceListed();
            throw changed != null ? new IncompleteFileException(changed) : e;
        }
    }

    /**
     * Why a file that failed to parse is incomplete (its JSON ended early, or it changed since it was listed), as an
     * {@link IncompleteFileException}; or the failure itself when it is neither.
     */
    private RuntimeException incompleteOr(InvalidInputException failure, Source source) throws IOException {
        long endedAt;
        try (InputStream again = source.open()) {
            endedAt = UnfinishedJson.endedAt(mapper.getFactory(), again);
        } catch (NoSuchFileException gone) {
            endedAt = -1;
        }
        if (endedAt >= 0) {
            return new IncompleteFileException("incomplete JSON: ended at byte " + endedAt + (endedAt == 0 ? " (empty file)" : ""));
        }
        String changed = changedSinceListed();
        return changed != null ? new IncompleteFileException(changed) : failure;
    }

    /** Why the file is not as it was listed (size or time changed, or gone), or null when it is (or that is not known). */
    private String changedSinceListed() {
        if (listedModified < 0) {
            return null;
        }
        BasicFileAttributes now;
        try {
            now = Files.readAttributes(path.toPath(), BasicFileAttributes.class);
        } catch (NoSuchFileException gone) {
            return "gone from the inbound folder while it was read";
        } catch (IOException e) {
            return null;
        }
        if (now.size() != listedLength || now.lastModifiedTime().toMillis() != listedModified) {
            return "changed while it was read (" + listedLength + " bytes when listed, " + now.size() + " now)";
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        single = null;
        elements = null;
        content = null;
        try (InputStream closingIn = in; JsonRecordReader closingReader = reader) {
            reader = null;
            in = null;
        }
    }
}
