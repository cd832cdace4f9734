package io.syncroutes.simulators;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The opaque {@code next_cursor} of a Qargo list page: the list it belongs to (environment and path), where the next
 * page starts, and the filters of the first call (as instants), so a cursor alone continues the same query.
 */
record QargoCursor(String environment, String list, int offset, Map<String, Instant> filters) {

    private static final ObjectMapper JSON = new ObjectMapper();

    QargoCursor {
        filters = new TreeMap<>(filters);
    }

    String encode() {
        ObjectNode node = JSON.createObjectNode().put("environment", environment).put("list", list).put("offset", offset);
        ObjectNode filterNode = node.putObject("filters");
        filters.forEach((name, value) -> filterNode.put(name, value.toString()));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(node.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor a client sent; IllegalArgumentException when it is not one this simulator issued. */
    static QargoCursor decode(String text) {
        try {
            JsonNode node = JSON.readTree(Base64.getUrlDecoder().decode(text));
            Map<String, Instant> filters = new TreeMap<>();
            node.path("filters").fields().forEachRemaining(e -> filters.put(e.getKey(), Instant.parse(e.getValue().asText())));
            if (!node.path("environment").isTextual() || !node.path("list").isTextual() || !node.path("offset").canConvertToInt()) {
                throw new IllegalArgumentException("not a cursor");
            }
            return new QargoCursor(node.get("environment").asText(), node.get("list").asText(), node.get("offset").asInt(), filters);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a cursor", e);
        }
    }

    /** Whether this cursor continues the list {@code list} of {@code environment}. */
    boolean belongsTo(String environment, String list) {
        return this.environment.equals(environment) && this.list.equals(list);
    }

    /** Whether {@code sent} (filters given beside the cursor) asks for the same query as the cursor's first call. */
    boolean sameFilters(Map<String, Instant> sent) {
        return sent.entrySet().stream().allMatch(e -> Objects.equals(filters.get(e.getKey()), e.getValue()));
    }
}
