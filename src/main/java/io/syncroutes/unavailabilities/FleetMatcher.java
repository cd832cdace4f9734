package io.syncroutes.unavailabilities;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Pairs each local fleet resource (a Qargo resource: a driver, truck, van, tractor or trailer, as
 * {@code GET /resources/resource} lists it) with a master one, trying strategies in the configured order: the first
 * strategy that gives the local fleet resource a key found among the master ones decides. A key shared by several
 * master fleet resources, or a master one claimed by several local ones, is ambiguous: those are skipped, never
 * guessed.
 */
public final class FleetMatcher {

    /** The strategies by name: custom-field, license-plate, name. */
    public static final Map<String, Function<JsonNode, String>> STRATEGIES = Map.of(
            "custom-field", FleetMatcher::customField,
            "license-plate", FleetMatcher::licensePlate,
            "name", FleetMatcher::name);

    private final List<String> strategies;

    public FleetMatcher(List<String> strategies) {
        for (String strategy : strategies) {
            if (!STRATEGIES.containsKey(strategy)) {
                throw new IllegalArgumentException("QARGO_MATCH_STRATEGIES: unknown strategy '" + strategy
                        + "' (known: custom-field, license-plate, name)");
            }
        }
        if (strategies.isEmpty()) {
            throw new IllegalArgumentException("QARGO_MATCH_STRATEGIES names no strategy (known: custom-field, license-plate, name)");
        }
        this.strategies = List.copyOf(strategies);
    }

    /** A matched pair, and the strategy that matched it. */
    public record Pair(JsonNode local, JsonNode master, String strategy) {
        public String localId() {
            return local.path("id").asText();
        }

        public String masterId() {
            return master.path("id").asText();
        }

        public String label() {
            return local.path("name").asText(localId());
        }
    }

    /** The outcome: pairs in local order, unmatched and ambiguous local fleet resources (by name). */
    public record Result(List<Pair> pairs, List<String> unmatched, List<String> ambiguous) {
    }

    public Result match(List<JsonNode> locals, List<JsonNode> masters) {
        Map<String, Map<String, List<JsonNode>>> index = new HashMap<>();
        for (String strategy : strategies) {
            Map<String, List<JsonNode>> byKey = new HashMap<>();
            for (JsonNode master : masters) {
                String key = STRATEGIES.get(strategy).apply(master);
                if (key != null) {
                    byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(master);
                }
            }
            index.put(strategy, byKey);
        }
        List<Pair> candidates = new ArrayList<>();
        List<String> unmatched = new ArrayList<>();
        List<String> ambiguous = new ArrayList<>();
        for (JsonNode local : locals) {
            Pair pair = null;
            boolean duplicateKey = false;
            for (String strategy : strategies) {
                String key = STRATEGIES.get(strategy).apply(local);
                List<JsonNode> found = key == null ? null : index.get(strategy).get(key);
                if (found == null) {
                    continue;
                }
                if (found.size() > 1) {
                    duplicateKey = true;
                } else {
                    pair = new Pair(local, found.get(0), strategy);
                }
                break;
            }
            if (duplicateKey) {
                ambiguous.add(label(local));
            } else if (pair == null) {
                unmatched.add(label(local));
            } else {
                candidates.add(pair);
            }
        }
        Map<String, Integer> claims = new HashMap<>();
        candidates.forEach(pair -> claims.merge(pair.masterId(), 1, Integer::sum));
        Map<String, Pair> pairs = new LinkedHashMap<>();
        for (Pair pair : candidates) {
            if (claims.get(pair.masterId()) > 1) {
                ambiguous.add(pair.label());
            } else {
                pairs.put(pair.localId(), pair);
            }
        }
        return new Result(List.copyOf(pairs.values()), unmatched, ambiguous);
    }

    private static String label(JsonNode fleetResource) {
        return fleetResource.path("name").asText(fleetResource.path("id").asText());
    }

    /** {@code custom_fields.employeenumber}, else {@code custom_fields.fleetno}, exact. */
    static String customField(JsonNode fleetResource) {
        for (String field : List.of("employeenumber", "fleetno")) {
            String value = fleetResource.path("custom_fields").path(field).asText("");
            if (!value.isBlank()) {
                return field + ":" + value;
            }
        }
        return null;
    }

    /**
     * The license plate of a truck, van or tractor, spaces removed, lower-case. Qargo lists the vehicle fields a
     * fleet resource does not have as null, and a plate may be null: neither gives a key.
     */
    static String licensePlate(JsonNode fleetResource) {
        for (String type : List.of("truck", "van", "tractor")) {
            String plate = fleetResource.path(type).path("license_plate").asText("");
            if (!plate.isBlank()) {
                return plate.replaceAll("\\s+", "").toLowerCase(Locale.ROOT);
            }
        }
        return null;
    }

    /** The name, trimmed, lower-case. */
    static String name(JsonNode fleetResource) {
        String name = fleetResource.path("name").asText("").trim().toLowerCase(Locale.ROOT);
        return name.isEmpty() ? null : name;
    }
}
