package io.syncroutes.unavailabilities;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What makes a local fleet resource's unavailabilities equal to its master's: local ones pair with master ones by
 * {@code local.external_id == master.id}; a missing one is created (its master id as {@code external_id}), a changed
 * one updated on its local id, one whose master is gone (or a second copy) deleted. Local ones without
 * {@code external_id} were entered locally and are left alone.
 */
final class UnavailabilityDiff {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One local write: the run counter it adds to, the call, what it does in words (for a dry run), the master
     * unavailability's id and the local one's (null for a create: Qargo gives it).
     */
    record Write(String counter, QargoCall call, String what, String masterId, String localId) {
    }

    /** The writes in order (creates and updates, then deletes), and how many local ones already equal their master. */
    record Result(List<Write> writes, int unchanged) {
    }

    private UnavailabilityDiff() {
    }

    /** The writes that make {@code locals} equal to {@code masters}; {@code base} is the local list's path. */
    static Result of(String base, List<JsonNode> masters, List<JsonNode> locals) {
        Map<String, JsonNode> localByMaster = new LinkedHashMap<>();
        List<JsonNode> surplus = new ArrayList<>();
        for (JsonNode item : locals) {
            String externalId = item.hasNonNull("external_id") ? item.get("external_id").asText() : null;
            if (externalId == null || externalId.isBlank()) {
                continue; // entered locally, not ours
            }
            if (localByMaster.putIfAbsent(externalId, item) != null) {
                surplus.add(item); // a second copy of the same master unavailability
            }
        }
        List<Write> writes = new ArrayList<>();
        int unchanged = 0;
        Set<String> masterIds = new HashSet<>();
        for (JsonNode wanted : masters) {
            String masterId = wanted.path("id").asText();
            masterIds.add(masterId);
            JsonNode existing = localByMaster.get(masterId);
            if (existing == null) {
                writes.add(new Write("created", new QargoCall("local", "POST", base, null, body(wanted)), "create " + masterId, masterId, null));
            } else if (!same(existing, wanted)) {
                String id = existing.path("id").asText();
                writes.add(new Write("updated", new QargoCall("local", "PUT", base + "/" + id, null, body(wanted)), "update " + id, masterId, id));
            } else {
                unchanged++;
            }
        }
        localByMaster.values().stream().filter(item -> !masterIds.contains(item.get("external_id").asText())).forEach(surplus::add);
        for (JsonNode gone : surplus) {
            String id = gone.path("id").asText();
            writes.add(new Write("deleted", new QargoCall("local", "DELETE", base + "/" + id, null, null), "delete " + id,
                    gone.path("external_id").asText(), id));
        }
        return new Result(writes, unchanged);
    }

    /** The local body of a master unavailability: its fields, and its id as external_id. */
    static ObjectNode body(JsonNode master) {
        ObjectNode body = JSON.createObjectNode();
        body.put("external_id", master.path("id").asText());
        body.set("start_time", master.get("start_time"));
        body.set("end_time", master.hasNonNull("end_time") ? master.get("end_time") : null);
        body.set("reason", master.get("reason"));
        body.set("description", master.hasNonNull("description") ? master.get("description") : null);
        return body;
    }

    /** Whether a local unavailability already equals its master: instants compared, not their text. */
    static boolean same(JsonNode local, JsonNode master) {
        return Objects.equals(instant(local, "start_time"), instant(master, "start_time"))
                && Objects.equals(instant(local, "end_time"), instant(master, "end_time"))
                && Objects.equals(text(local, "reason"), text(master, "reason"))
                && Objects.equals(text(local, "description"), text(master, "description"));
    }

    private static Object instant(JsonNode node, String field) {
        String value = text(node, field);
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            return value; // unreadable: compared as text, so a difference still shows
        }
    }

    private static String text(JsonNode node, String field) {
        return node.hasNonNull(field) ? node.get(field).asText() : null;
    }
}
