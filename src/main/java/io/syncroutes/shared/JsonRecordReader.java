package io.syncroutes.shared;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Streams the records of a JSON document that is one value or an array of values, one at a time, so a file
 * of any size is read in constant memory. Syntax errors, bad encodings and empty input become
 * {@link InvalidInputException}s that say where the input broke.
 */
public final class JsonRecordReader implements Closeable {

    private final JsonParser parser;
    private final ObjectMapper mapper;
    private boolean array;
    private boolean started;
    private boolean finished;
    private long index = -1;

    public JsonRecordReader(ObjectMapper mapper, InputStream in) {
        this.mapper = mapper;
        try {
            this.parser = mapper.getFactory().createParser(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next record, or null after the last one. */
    public JsonNode next() {
        return advance(true);
    }

    /**
     * Reads the rest of the input without building its records, to learn that it is sound before any record of it is
     * used; fails as {@link #next()} would, at the same place. Returns the number of records passed.
     */
    public long skipRest() {
        long skipped = 0;
        while (advance(false) != null) {
            skipped++;
        }
        return skipped;
    }

    private JsonNode advance(boolean build) {
        if (finished) {
            return null;
        }
        try {
            JsonToken token = parser.nextToken();
            if (!started) {
                started = true;
                if (token == null) {
                    throw new InvalidInputException("file is empty: expected a JSON object or an array of objects");
                }
                if (token == JsonToken.START_ARRAY) {
                    array = true;
                    token = parser.nextToken();
                }
            }
            if (token == null || (array && token == JsonToken.END_ARRAY)) {
                if (array && token == null) {
                    throw new InvalidInputException("unexpected end of input inside the top-level array" + where());
                }
                if (array && parser.nextToken() != null) {
                    throw new InvalidInputException("unexpected content after the top-level array" + where());
                }
                finished = true;
                return null;
            }
            if (!array && index >= 0) {
                throw new InvalidInputException("unexpected content after the top-level value" + where());
            }
            JsonNode node = build ? mapper.readTree(parser) : skipValue();
            index++;
            return node;
        } catch (JsonProcessingException e) {
            finished = true;
            throw new InvalidInputException("malformed JSON" + where(e.getLocation()) + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            finished = true;
            throw new UncheckedIOException(e);
        } catch (InvalidInputException e) {
            finished = true;
            throw e;
        }
    }

    private JsonNode skipValue() throws IOException {
        parser.skipChildren();
        return MissingNode.getInstance();
    }

    /** Zero-based position of the last record returned by {@link #next()} (-1 before the first). */
    public long index() {
        return index;
    }

    /** Whether the input is a top-level array (known after the first {@link #next()}). */
    public boolean isArray() {
        return array;
    }

    private String where() {
        return where(parser.currentLocation());
    }

    private static String where(JsonLocation location) {
        return location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }
}
