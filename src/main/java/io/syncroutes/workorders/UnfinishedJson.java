package io.syncroutes.workorders;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;

import java.io.IOException;
import java.io.InputStream;

/**
 * Whether bytes that failed to parse are JSON that ended early: sound as far as they go, but stopped before the
 * top-level value was closed (or before it began: nothing but whitespace), as a file still being written looks;
 * unlike a syntax error, or content after the top-level value. Read with Jackson's non-blocking parser, which waits
 * for more input where the blocking one fails on a value cut off at the end ({@code tru}, {@code 1.}, {@code [{},}).
 */
final class UnfinishedJson {

    private static final int CHUNK_BYTES = 64 * 1024;

    private UnfinishedJson() {
    }

    /**
     * The number of bytes {@code in} holds when they are the beginning of one JSON value that has not ended, or -1
     * when they are not (malformed, or a whole value).
     */
    static long endedAt(JsonFactory json, InputStream in) throws IOException {
        byte[] chunk = new byte[CHUNK_BYTES];
        try (JsonParser parser = json.createNonBlockingByteArrayParser()) {
            ByteArrayFeeder feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
            int depth = 0;
            boolean ended = false;
            long bytes = 0;
            for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
                bytes += n;
                feeder.feedInput(chunk, 0, n);
                for (JsonToken token = parser.nextToken(); token != JsonToken.NOT_AVAILABLE; token = parser.nextToken()) {
                    if (ended) {
                        // a second top-level value
                        return -1;
                    }
                    if (token.isStructStart()) {
                        depth++;
                    } else if (token.isStructEnd()) {
                        depth--;
                    }
                    ended = depth == 0 && token != JsonToken.FIELD_NAME;
                }
            }
            return ended ? -1 : bytes;
        } catch (JsonProcessingException malformed) {
            return -1;
        }
    }
}
