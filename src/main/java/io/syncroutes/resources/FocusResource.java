package io.syncroutes.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncroutes.shared.InvalidInputException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One resource of the Focus API schema: its name, columns, primary-key columns and allowed query modes. The schema
 * answer is {@code {resources: {<name>: {attributes: [{<column>: {primary_key, foreign_key, type}}], allowedQueryModes}}}}.
 */
public record FocusResource(String name, List<String> columns, List<String> primaryKey, Set<String> queryModes) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,100}");

    /** The MongoDB collection of the resource. */
    public String collection() {
        return "focus_" + name;
    }

    /** Whether created/updated/deleted lines may be asked for (otherwise every run is a full load). */
    public boolean deltaAllowed() {
        return queryModes.isEmpty() || queryModes.containsAll(List.of("created", "updated", "deleted"));
    }

    /** The columns a delta timestamp is taken from ({@code created_at}, {@code updated_at}) that this resource has. */
    public List<String> cursorColumns() {
        return columns.stream().filter(c -> c.equals("created_at") || c.equals("updated_at")).toList();
    }

    /** Every resource of a schema answer, in its order; a resource without a primary key or with an unusable name is refused with its reason. */
    public static Map<String, FocusResource> parseSchema(String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new InvalidInputException("Focus schema is not valid JSON: " + e.getMessage());
        }
        JsonNode resources = root == null ? null : root.get("resources");
        if (resources == null || !resources.isObject()) {
            throw new InvalidInputException("Focus schema has no 'resources' object");
        }
        Map<String, FocusResource> parsed = new LinkedHashMap<>();
        resources.fields().forEachRemaining(entry -> {
            List<String> columns = new ArrayList<>();
            List<String> primaryKey = new ArrayList<>();
            for (JsonNode attribute : entry.getValue().path("attributes")) {
                attribute.fields().forEachRemaining(column -> {
                    columns.add(column.getKey());
                    if (column.getValue().path("primary_key").asBoolean(false)) {
                        primaryKey.add(column.getKey());
                    }
                });
            }
            Set<String> modes = new LinkedHashSet<>();
            entry.getValue().path("allowedQueryModes").forEach(mode -> modes.add(mode.asText()));
            parsed.put(entry.getKey(), new FocusResource(entry.getKey(), List.copyOf(columns), List.copyOf(primaryKey), Set.copyOf(modes)));
        });
        return parsed;
    }

    /** Why this resource cannot be mirrored, or null when it can. */
    public String problem() {
        if (!SAFE_NAME.matcher(name).matches()) {
            return "resource name '" + name + "' cannot name a collection (letters, digits, _ . - only)";
        }
        if (primaryKey.isEmpty()) {
            return "resource " + name + " has no primary-key column in the schema";
        }
        return null;
    }
}
