package io.syncroutes.simulators;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.MultiMap;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One Qargo environment (tenant) of the {@link QargoSimulator}: its client credentials, the tokens issued to them,
 * its fleet resources (Qargo's resources, {@code /resources/resource}: drivers, vehicles, trailers) and their
 * unavailabilities, request counters and the failures a test asks for. Answers the API calls
 * made with one of its tokens.
 */
public final class QargoEnvironment {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RESOURCES = "/resources/resource";
    /** The vehicle properties every fleet resource carries, null unless it is that vehicle. */
    private static final List<String> VEHICLES = List.of("truck", "van", "tractor");
    /** Filters of the resource list Qargo has and the simulator does not: refused rather than ignored. */
    private static final List<String> UNSIMULATED_RESOURCE_FILTERS = List.of("updated_after", "external_id", "external_id:in",
            "resource_type", "resource_type:in");

    private final String name;
    private final String clientId;
    private final String secret;
    private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> resources = new LinkedHashMap<>();
    private final Map<String, Map<String, ObjectNode>> unavailabilities = new LinkedHashMap<>();
    private final Map<String, Integer> failingResources = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong tokenRequests = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong throttled = new AtomicLong();
    private volatile int throttleAfter;
    private volatile int throttleNext;
    private volatile String retryAfter = "1";
    private volatile int resourcePageSize = 100;
    private volatile int unavailabilityPageSize = 50;
    private volatile Duration tokenLifetime = Duration.ofHours(1);
    /** Tokens issued within the last hour, oldest first; Qargo issues 5 an hour, then answers 429. */
    private final Deque<Instant> issued = new ArrayDeque<>();
    private volatile int tokensPerHour = 5;

    QargoEnvironment(String name, String clientId, String secret) {
        this.name = name;
        this.clientId = clientId;
        this.secret = secret;
    }

    /** An answer: status, JSON body (null: none) and Retry-After (null: none). */
    record Reply(int status, String body, String retryAfter) {
        static Reply of(int status, String body) {
            return new Reply(status, body, null);
        }
    }

    public String name() {
        return name;
    }

    /** Every request answered with this environment's credentials or tokens, token requests included. */
    public long requests() {
        return requests.get();
    }

    public long tokenRequests() {
        return tokenRequests.get();
    }

    /** Unavailabilities created, updated or deleted through the API. */
    public long writes() {
        return writes.get();
    }

    /** Requests answered 429. */
    public long throttled() {
        return throttled.get();
    }

    public void resetCounters() {
        requests.set(0);
        tokenRequests.set(0);
        writes.set(0);
        throttled.set(0);
    }

    public void pageSizes(int resourcePage, int unavailabilityPage) {
        this.resourcePageSize = resourcePage;
        this.unavailabilityPageSize = unavailabilityPage;
    }

    public void tokenLifetime(Duration lifetime) {
        this.tokenLifetime = lifetime;
    }

    /** The next {@code count} API calls (not token requests) are answered 429 with {@code Retry-After: seconds}. */
    public void throttleNext(int count, String retryAfterSeconds) {
        throttle(0, count, retryAfterSeconds);
    }

    /** After the next {@code after} API calls (not token requests), {@code count} are answered 429 with {@code Retry-After: seconds}. */
    public synchronized void throttle(int after, int count, String retryAfterSeconds) {
        this.retryAfter = retryAfterSeconds;
        this.throttleAfter = after;
        this.throttleNext = count;
    }

    /** How many tokens the environment issues in any hour (Qargo: 5); a token request beyond is answered 429. */
    public void tokensPerHour(int limit) {
        this.tokensPerHour = limit;
    }

    /** Every unavailability call about the fleet resource {@code resourceId} is answered {@code status} (0: no longer). */
    public void failFleetResource(String resourceId, int status) {
        if (status == 0) {
            failingResources.remove(resourceId);
        } else {
            failingResources.put(resourceId, status);
        }
    }

    /** Forgets every issued token: the next call with one is answered 401. */
    public void revokeTokens() {
        tokens.clear();
    }

    /**
     * Adds a fleet resource; returns its id. Like Qargo, it carries {@code truck}, {@code van} and {@code tractor}, null
     * unless the type is that vehicle; {@code licensePlate} (may be null) goes under the type's own key.
     */
    public synchronized String addFleetResource(String name, String type, Map<String, String> customFields, String licensePlate) {
        String id = UUID.randomUUID().toString();
        ObjectNode resource = JSON.createObjectNode().put("id", id).put("name", name).put("type", type);
        ObjectNode fields = resource.putObject("custom_fields");
        customFields.forEach(fields::put);
        for (String vehicle : VEHICLES) {
            if (vehicle.equals(type.toLowerCase(Locale.ROOT))) {
                resource.putObject(vehicle).put("license_plate", licensePlate);
            } else {
                resource.putNull(vehicle);
            }
        }
        resources.put(id, resource);
        unavailabilities.put(id, new LinkedHashMap<>());
        return id;
    }

    public synchronized List<String> fleetResourceIds() {
        return new ArrayList<>(resources.keySet());
    }

    /** Creates (no {@code id}) or replaces an unavailability directly, as given, not counted as an API write; returns its id. */
    public synchronized String putUnavailability(String resourceId, ObjectNode unavailability) {
        ObjectNode copy = unavailability.deepCopy();
        if (!copy.hasNonNull("id")) {
            copy.put("id", UUID.randomUUID().toString());
        }
        unavailabilities.get(resourceId).put(copy.get("id").asText(), copy);
        return copy.get("id").asText();
    }

    public synchronized void deleteUnavailability(String resourceId, String id) {
        unavailabilities.get(resourceId).remove(id);
    }

    /** Removes every unavailability of every fleet resource (directly, not counted). */
    public synchronized void clearUnavailabilities() {
        unavailabilities.values().forEach(Map::clear);
    }

    /** The unavailabilities of a fleet resource, copies. */
    public synchronized List<ObjectNode> unavailabilities(String resourceId) {
        return unavailabilities.getOrDefault(resourceId, Map.of()).values().stream().map(ObjectNode::deepCopy).toList();
    }

    /** How many unavailabilities the environment holds. */
    public synchronized int unavailabilityCount() {
        return unavailabilities.values().stream().mapToInt(Map::size).sum();
    }

    /** The {@code next_cursor} this environment hands out for page {@code offset} of an unfiltered list ({@code /resources/resource...}). */
    public String cursor(String list, int offset) {
        return new QargoCursor(name, list, offset, Map.of()).encode();
    }

    boolean hasCredentials(String id, String password) {
        return clientId.equals(id) && secret.equals(password);
    }

    boolean issued(String token) {
        return tokens.containsKey(token);
    }

    /** A token request with this environment's credentials: a token, or 429 when the hour's tokens are issued. */
    synchronized Reply token() {
        requests.incrementAndGet();
        tokenRequests.incrementAndGet();
        Instant now = Instant.now();
        while (!issued.isEmpty() && !issued.peekFirst().isAfter(now.minus(Duration.ofHours(1)))) {
            issued.removeFirst();
        }
        if (issued.size() >= tokensPerHour) {
            long wait = Math.max(1, Duration.between(now, issued.peekFirst().plus(Duration.ofHours(1))).toSeconds());
            return new Reply(429, "{\"error\":\"Rate limit exceeded\"}", String.valueOf(wait));
        }
        issued.addLast(now);
        String token = UUID.randomUUID().toString();
        tokens.put(token, Instant.now().plus(tokenLifetime));
        return Reply.of(200, JSON.createObjectNode().put("access_token", token).put("token_type", "Bearer")
                .put("expires_in", tokenLifetime.toSeconds()).toString());
    }

    /** An API call made with one of this environment's tokens; {@code path} is what follows {@code /v1}. */
    synchronized Reply answer(String token, String method, String path, MultiMap query, String body) {
        requests.incrementAndGet();
        Instant expiry = tokens.get(token);
        if (expiry == null || !Instant.now().isBefore(expiry)) {
            return Reply.of(401, "{\"detail\": \"Not authenticated\"}");
        }
        if (throttleAfter > 0) {
            throttleAfter--;
        } else if (throttleNext > 0) {
            throttleNext--;
            throttled.incrementAndGet();
            return new Reply(429, "{\"error\":\"Rate limit exceeded\"}", retryAfter);
        }
        if (path.equals(RESOURCES)) {
            return method.equals("GET") ? resourcePage(query) : Reply.of(405, "{\"detail\": \"Method Not Allowed\"}");
        }
        List<String> parts = List.of(path.split("/"));
        // "", "resources", "resource", resource id, "unavailability" [, id]
        if (!path.startsWith(RESOURCES + "/") || parts.size() < 5 || parts.size() > 6 || !parts.get(4).equals("unavailability")) {
            return Reply.of(404, "{\"detail\": \"Not Found\"}");
        }
        return unavailabilityCall(method, path, parts.get(3), parts.size() == 6 ? parts.get(5) : null, query, body);
    }

    private Reply resourcePage(MultiMap query) {
        for (String filter : UNSIMULATED_RESOURCE_FILTERS) {
            if (query.contains(filter)) {
                return Reply.of(400, QargoValidation.badRequest("the simulator does not implement the filter " + filter, filter));
            }
        }
        return page(RESOURCES, new ArrayList<>(resources.values()), query.get("cursor"), Map.of(), resourcePageSize);
    }

    private Reply unavailabilityCall(String method, String path, String resourceId, String id, MultiMap query, String body) {
        QargoValidation checks = new QargoValidation();
        checks.uuid("resource_id", resourceId);
        if (id != null) {
            checks.uuid("id", id);
        }
        boolean list = id == null && method.equals("GET");
        Map<String, Instant> filters = new LinkedHashMap<>();
        if (list) {
            for (String filter : List.of("start_time", "end_time")) {
                Instant value = checks.queryDateTime(filter, query.get(filter));
                if (value != null) {
                    filters.put(filter, value);
                }
            }
        }
        ObjectNode input = method.equals("POST") || method.equals("PUT") ? checks.unavailability(body) : null;
        if (checks.failed()) {
            return Reply.of(422, checks.body());
        }
        if (!resources.containsKey(resourceId)) {
            return Reply.of(404, "{\"detail\": \"Resource not found\"}");
        }
        Integer failure = failingResources.get(resourceId);
        if (failure != null) {
            return Reply.of(failure, "{\"detail\": \"simulated failure\"}");
        }
        Map<String, ObjectNode> items = unavailabilities.get(resourceId);
        if (id == null) {
            if (list) {
                return page(path, new ArrayList<>(items.values()), query.get("cursor"), filters, unavailabilityPageSize);
            }
            if (method.equals("POST")) {
                input.put("id", UUID.randomUUID().toString());
                items.put(input.get("id").asText(), input);
                writes.incrementAndGet();
                return Reply.of(200, input.toString());
            }
            return Reply.of(405, "{\"detail\": \"Method Not Allowed\"}");
        }
        ObjectNode existing = items.get(id);
        if (existing == null) {
            return Reply.of(404, "{\"detail\": \"Unavailability not found\"}");
        }
        switch (method) {
            case "GET":
                return Reply.of(200, existing.toString());
            case "PUT":
                input.put("id", id);
                items.put(id, input);
                writes.incrementAndGet();
                return Reply.of(200, input.toString());
            case "DELETE":
                items.remove(id);
                writes.incrementAndGet();
                return Reply.of(204, null);
            default:
                return Reply.of(405, "{\"detail\": \"Method Not Allowed\"}");
        }
    }

    /**
     * One cursor page of {@code all}. A cursor continues the query it was issued for: filters sent beside it must
     * be the same (same instants), filters left out are the cursor's; a cursor of another list, or other filters,
     * is refused (400) rather than answered with pages of another query.
     */
    private Reply page(String list, List<ObjectNode> all, String cursorText, Map<String, Instant> sent, int size) {
        int offset = 0;
        Map<String, Instant> filters = sent;
        if (cursorText != null) {
            QargoCursor cursor;
            try {
                cursor = QargoCursor.decode(cursorText);
            } catch (IllegalArgumentException e) {
                return Reply.of(400, QargoValidation.badRequest("invalid cursor", "cursor"));
            }
            if (!cursor.belongsTo(name, list)) {
                return Reply.of(400, QargoValidation.badRequest("the cursor belongs to another list", "cursor"));
            }
            if (!cursor.sameFilters(sent)) {
                return Reply.of(400, QargoValidation.badRequest("the filters differ from the cursor's; start again without cursor", "cursor"));
            }
            offset = cursor.offset();
            filters = cursor.filters();
        }
        Instant after = filters.get("start_time");
        Instant before = filters.get("end_time");
        List<ObjectNode> selected = all.stream().filter(u -> {
            if (after == null && before == null) {
                return true;
            }
            Instant start = OffsetDateTime.parse(u.path("start_time").asText()).toInstant();
            Instant end = u.hasNonNull("end_time") ? OffsetDateTime.parse(u.get("end_time").asText()).toInstant() : null;
            return (after == null || end == null || end.isAfter(after)) && (before == null || start.isBefore(before));
        }).toList();
        ObjectNode page = JSON.createObjectNode();
        ArrayNode items = page.putArray("items");
        selected.stream().skip(offset).limit(size).forEach(items::add);
        if (offset + size < selected.size()) {
            page.put("next_cursor", new QargoCursor(name, list, offset + size, filters).encode());
        } else {
            page.putNull("next_cursor");
        }
        return Reply.of(200, page.toString());
    }
}
