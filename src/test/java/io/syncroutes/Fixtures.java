package io.syncroutes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bson.Document;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test fixtures from {@code src/test/resources} (the reference payloads live under {@code reference/}). */
public final class Fixtures {

    public static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {
    }

    public static String text(String resource) {
        try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode json(String resource) {
        try {
            return JSON.readTree(text(resource));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A MongoDB Extended JSON fixture as a BSON document ({@code $oid}, {@code $date} decoded). */
    public static Document extJson(String resource) {
        return Document.parse(text(resource));
    }

    public static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a file atomically into a watched folder (temp name, then rename), as a well-behaved producer does. */
    public static Path drop(Path dir, String name, byte[] content) {
        try {
            Path temp = Files.write(dir.resolve("." + name + ".part"), content);
            return Files.move(temp, dir.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path drop(Path dir, String name, String content) {
        return drop(dir, name, content.getBytes(StandardCharsets.UTF_8));
    }

    /** A valid customer work order, as the customer system writes it. */
    public static ObjectNode workOrder(int orderNo, String updated) {
        return JSON.createObjectNode()
                .put("orderNo", orderNo)
                .put("isActive", true)
                .put("isCanceled", false)
                .put("isDeleted", false)
                .put("isDone", false)
                .put("isOnHold", false)
                .put("isPending", false)
                .put("summary", "Work order #" + orderNo)
                .put("creationDate", "2025-01-01T00:00:00+00:00")
                .put("lastUpdateDate", updated)
                .putNull("deletedDate");
    }
}
