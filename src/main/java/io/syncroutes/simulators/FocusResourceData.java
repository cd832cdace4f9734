package io.syncroutes.simulators;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncroutes.simulators.FocusSimulator.Column;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One resource of the Focus simulator: its schema, its rows with the {@code created_at}/{@code updated_at} the real
 * API sets, its deletions, and the lines each query mode answers. A generated resource stores nothing: its rows are
 * made while streamed.
 */
final class FocusResourceData {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A stored row and when it was created and last updated (null: never). */
    record Row(ObjectNode data, Instant created, Instant updated) {
    }

    private record Deletion(ObjectNode key, Instant at) {
    }

    final String name;
    final List<Column> columns;
    private final List<String> primaryKey;
    private final long generated;
    private final Supplier<Instant> clock;
    private final ConcurrentSkipListMap<String, Row> rows = new ConcurrentSkipListMap<>();
    private final ConcurrentLinkedQueue<Deletion> deleted = new ConcurrentLinkedQueue<>();
    private volatile int corruptLine;

    /** {@code generated}: the number of synthetic rows, or 0 for stored ones; {@code clock}: the rows' timestamps. */
    FocusResourceData(String name, List<Column> columns, long generated, Supplier<Instant> clock) {
        this.name = name;
        this.columns = columns;
        this.primaryKey = columns.stream().filter(Column::primaryKey).map(Column::name).toList();
        this.generated = generated;
        this.clock = clock;
    }

    /** Creates or updates a row (fields merged into the stored one); returns the stored row. */
    synchronized ObjectNode put(ObjectNode fields) {
        String key = key(fields);
        Row old = rows.get(key);
        ObjectNode row = old == null ? JSON.createObjectNode() : old.data.deepCopy();
        row.setAll(fields.deepCopy());
        Instant now = clock.get();
        if (old == null) {
            row.put("created_at", now.toString());
            row.putNull("updated_at");
            rows.put(key, new Row(row, now, null));
        } else {
            row.put("created_at", old.data.get("created_at").asText());
            row.put("updated_at", now.toString());
            rows.put(key, new Row(row, old.created, now));
        }
        return row.deepCopy();
    }

    /** Deletes a row by its primary-key values; the deleted feed reports it unless {@code reported} is false. */
    synchronized boolean delete(JsonNode key, boolean reported) {
        Row old = rows.remove(key(key));
        if (old == null) {
            return false;
        }
        if (reported) {
            ObjectNode keyOnly = JSON.createObjectNode();
            primaryKey.forEach(column -> keyOnly.set(column, old.data.get(column)));
            deleted.add(new Deletion(keyOnly, clock.get()));
        }
        return true;
    }

    /** The stored rows, in key order. */
    List<Row> rows() {
        return new ArrayList<>(rows.values());
    }

    int rowCount() {
        return rows.size();
    }

    /** The count as of {@code at} (rows created since then are not counted yet), or of now when null. */
    long count(Instant at) {
        return at == null || generated > 0 ? size() : rows.values().stream().filter(row -> !row.created.isAfter(at)).count();
    }

    /** The next lines response carries an invalid JSON line at {@code lineNumber} (1-based), once. */
    void corruptNextResponse(int lineNumber) {
        corruptLine = lineNumber;
    }

    /** The lines of a full load. */
    Iterator<String> fullLines() {
        return corrupt(generated > 0 ? generatedLines(generated) : rowsWhere(row -> true));
    }

    /** The lines of a delta mode ({@code created}, {@code updated}, {@code deleted}) since {@code since}; null for another. */
    Iterator<String> deltaLines(String mode, Instant since) {
        Iterator<String> lines = switch (mode) {
            case "created" -> rowsWhere(row -> row.created.isAfter(since));
            case "updated" -> rowsWhere(row -> !row.created.isAfter(since) && row.updated != null && row.updated.isAfter(since));
            case "deleted" -> deleted.stream().filter(d -> d.at.isAfter(since)).map(d -> d.key.toString()).iterator();
            default -> null;
        };
        return lines == null ? null : corrupt(lines);
    }

    private Iterator<String> rowsWhere(Predicate<Row> filter) {
        return rows.values().stream().filter(filter).map(row -> row.data.toString()).iterator();
    }

    private String key(JsonNode fields) {
        Map<String, String> key = new LinkedHashMap<>();
        for (String column : primaryKey) {
            JsonNode value = fields.get(column);
            if (value == null || value.isNull()) {
                throw new IllegalArgumentException(name + ": primary-key column " + column + " missing");
            }
            key.put(column, value.asText());
        }
        return key.toString();
    }

    private long size() {
        return generated > 0 ? generated : rows.size();
    }

    private static Iterator<String> generatedLines(long rows) {
        return new Iterator<>() {
            private long next = 1;

            @Override
            public boolean hasNext() {
                return next <= rows;
            }

            @Override
            public String next() {
                if (next > rows) {
                    throw new NoSuchElementException();
                }
                return FocusSimulator.generatedLine(next++);
            }
        };
    }

    /** {@code lines}, with the invalid line asked for inserted (when the response gets that far), once. */
    private Iterator<String> corrupt(Iterator<String> lines) {
        int lineNumber = corruptLine;
        corruptLine = 0;
        if (lineNumber <= 0) {
            return lines;
        }
        return new Iterator<>() {
            private int n;

            @Override
            public boolean hasNext() {
                return lines.hasNext() || n == lineNumber - 1;
            }

            @Override
            public String next() {
                n++;
                return n == lineNumber ? "{\"id\": \"broken\", \"name\": \"cut off" : lines.next();
            }
        };
    }
}
