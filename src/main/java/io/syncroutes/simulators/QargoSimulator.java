package io.syncroutes.simulators;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpServerRequest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for two Qargo environments ({@code master} and {@code local}) on one port, each under its own path
 * ({@code <url>/master/v1}, {@code <url>/local/v1}) with its own client credentials: {@code POST /auth/token}
 * with HTTP Basic (tokens counted), {@code GET /resources/resource} and {@code GET|POST|PUT|DELETE
 * /resources/resource/{id}/unavailability[/{id}]} with cursor pages ({@code items}, {@code next_cursor};
 * {@code cursor=} alone on the next call). Keeps everything in memory; can answer 429 + Retry-After, fail one
 * resource's calls, or revoke tokens on demand. Used by the tests, the benchmark and the demo.
 */
public final class QargoSimulator extends HttpSimulator {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Reasons the simulator accepts (a subset of Qargo's UnavailabilityReason enum is enough to validate). */
    public static final List<String> REASONS = List.of("DRIVER_HOLIDAY", "DRIVER_SICKNESS", "DRIVER_TRAINING", "DRIVER_OTHER",
            "VEHICLE_MAINTENANCE", "VEHICLE_INSPECTION", "VEHICLE_CLEANING", "VEHICLE_MOT_TEST");

    private final Map<String, Environment> environments = new LinkedHashMap<>();
    private final Random demoRandom = new Random();

    public QargoSimulator(String masterClientId, String masterSecret, String localClientId, String localSecret) {
        environments.put("master", new Environment("master", masterClientId, masterSecret));
        environments.put("local", new Environment("local", localClientId, localSecret));
    }


    public Environment master() {
        return environments.get("master");
    }

    public Environment local() {
        return environments.get("local");
    }

    /** Base API URL of an environment, e.g. {@code http://127.0.0.1:8089/master/v1}. */
    public String apiUrl(Environment environment) {
        return root() + "/" + environment.name + "/v1";
    }

    /** Token endpoint of an environment. */
    public String authUrl(Environment environment) {
        return apiUrl(environment) + "/auth/token";
    }

    @Override
    protected void handle(HttpServerRequest request) {
        request.body().onSuccess(body -> {
            Reply reply;
            String[] parts = request.path().split("/");
            // "", env, "v1", ...
            Environment env = parts.length > 2 ? environments.get(parts[1]) : null;
            if (env == null || !"v1".equals(parts[2])) {
                reply = new Reply(404, "{\"detail\": \"no such endpoint\"}", null);
            } else {
                synchronized (env) {
                    reply = env.answer(request, List.of(parts).subList(3, parts.length), body.toString(StandardCharsets.UTF_8));
                }
            }
            request.response().setStatusCode(reply.status).putHeader("Content-Type", "application/json");
            if (reply.retryAfter != null) {
                request.response().putHeader("Retry-After", reply.retryAfter);
            }
            request.response().end(reply.body == null ? "" : reply.body);
        });
    }

    private record Reply(int status, String body, String retryAfter) {
    }


    /**
     * Fills both environments with the same {@code resources} (different ids; drivers matched by employee number,
     * trucks and vans by license plate written differently, the rest by name) and gives each master resource 0 to
     * {@code maxUnavailabilities} unavailabilities this year. The local environment starts with none.
     */
    public void seed(Random random, int resources, int maxUnavailabilities, int year) {
        for (int i = 0; i < resources; i++) {
            String masterId;
            switch (i % 3) {
                case 0 -> {
                    masterId = master().addResource("Driver " + i, "DRIVER", Map.of("employeenumber", "E-" + i), null);
                    local().addResource("driver " + i, "DRIVER", Map.of("employeenumber", "E-" + i), null);
                }
                case 1 -> {
                    masterId = master().addResource("Truck " + i, "TRUCK", Map.of(), "1-AB " + i);
                    local().addResource("Truck no. " + i, "TRUCK", Map.of(), "1-ab " + i);
                }
                default -> {
                    masterId = master().addResource("Van " + i, "VAN", Map.of(), null);
                    local().addResource(" van " + i + " ", "VAN", Map.of(), null);
                }
            }
            int count = random.nextInt(maxUnavailabilities + 1);
            for (int u = 0; u < count; u++) {
                master().putUnavailability(masterId, randomUnavailability(random, year, null));
            }
        }
    }

    /**
     * Changes about {@code share} of the master's resources: each picked one gets one unavailability added,
     * moved or removed. Returns how many were changed.
     */
    public int churn(Random random, double share, int year) {
        int changed = 0;
        for (String resourceId : master().resourceIds()) {
            if (random.nextDouble() >= share) {
                continue;
            }
            List<ObjectNode> existing = master().unavailabilities(resourceId);
            int action = existing.isEmpty() ? 0 : random.nextInt(3);
            if (action == 0) {
                master().putUnavailability(resourceId, randomUnavailability(random, year, null));
            } else if (action == 1) {
                ObjectNode moved = existing.get(random.nextInt(existing.size())).deepCopy();
                moved.put("end_time", OffsetDateTime.parse(moved.path("start_time").asText()).plusDays(1 + random.nextInt(5)).toString());
                master().putUnavailability(resourceId, moved);
            } else {
                master().deleteUnavailability(resourceId, existing.get(random.nextInt(existing.size())).path("id").asText());
            }
            changed++;
        }
        return changed;
    }

    /** Changes about {@code share} of the master's resources with the simulator's own random source, this year (the demo's feeder). */
    public int changeMasterData(double share) {
        return churn(demoRandom, share, java.time.LocalDate.now(ZoneOffset.UTC).getYear());
    }

    private static ObjectNode randomUnavailability(Random random, int year, String id) {
        OffsetDateTime start = OffsetDateTime.of(year, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC)
                .plusDays(random.nextInt(360)).plusHours(random.nextInt(24));
        ObjectNode node = JSON.createObjectNode();
        if (id != null) {
            node.put("id", id);
        }
        node.put("start_time", start.toString());
        if (random.nextInt(10) == 0) {
            node.putNull("end_time");
        } else {
            node.put("end_time", start.plusHours(4 + random.nextInt(200)).toString());
        }
        node.put("reason", REASONS.get(random.nextInt(REASONS.size())));
        if (random.nextBoolean()) {
            node.put("description", "ref HR" + random.nextInt(100_000));
        } else {
            node.putNull("description");
        }
        return node;
    }

    /** One Qargo environment (tenant): its credentials, resources, unavailabilities and request counters. */
    public static final class Environment {

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
        private volatile int throttleNext;
        private volatile String retryAfter = "1";
        private volatile int resourcePageSize = 100;
        private volatile int unavailabilityPageSize = 50;
        private volatile Duration tokenLifetime = Duration.ofHours(1);

        Environment(String name, String clientId, String secret) {
            this.name = name;
            this.clientId = clientId;
            this.secret = secret;
        }

        public String name() {
            return name;
        }

        /** Every request answered, token requests included. */
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
            this.retryAfter = retryAfterSeconds;
            this.throttleNext = count;
        }

        /** Every unavailability call about {@code resourceId} is answered {@code status} (0: no longer). */
        public void failResource(String resourceId, int status) {
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

        /** Adds a resource; returns its id. {@code licensePlate} goes under the type's own key (truck, van, tractor). */
        public synchronized String addResource(String name, String type, Map<String, String> customFields, String licensePlate) {
            String id = UUID.randomUUID().toString();
            ObjectNode resource = JSON.createObjectNode().put("id", id).put("name", name).put("type", type);
            ObjectNode fields = resource.putObject("custom_fields");
            customFields.forEach(fields::put);
            if (licensePlate != null) {
                resource.putObject(type.toLowerCase()).put("license_plate", licensePlate);
            }
            resources.put(id, resource);
            unavailabilities.put(id, new LinkedHashMap<>());
            return id;
        }

        public synchronized List<String> resourceIds() {
            return new ArrayList<>(resources.keySet());
        }

        /** Creates (no {@code id}) or replaces an unavailability directly, not counted as an API write; returns its id. */
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

        /** Removes every unavailability of every resource (directly, not counted). */
        public synchronized void clearUnavailabilities() {
            unavailabilities.values().forEach(Map::clear);
        }

        /** The unavailabilities of a resource, copies. */
        public synchronized List<ObjectNode> unavailabilities(String resourceId) {
            return unavailabilities.getOrDefault(resourceId, Map.of()).values().stream().map(ObjectNode::deepCopy).toList();
        }

        /** How many unavailabilities the environment holds. */
        public synchronized int unavailabilityCount() {
            return unavailabilities.values().stream().mapToInt(Map::size).sum();
        }

        Reply answer(HttpServerRequest request, List<String> path, String body) {
            requests.incrementAndGet();
            String method = request.method().name();
            try {
                if (path.equals(List.of("auth", "token")) && method.equals("POST")) {
                    return token(request.getHeader("Authorization"));
                }
                String auth = request.getHeader("Authorization");
                Instant expiry = auth != null && auth.startsWith("Bearer ") ? tokens.get(auth.substring(7)) : null;
                if (expiry == null || !Instant.now().isBefore(expiry)) {
                    return new Reply(401, "{\"detail\": \"Not authenticated\"}", null);
                }
                if (throttleNext > 0) {
                    throttleNext--;
                    throttled.incrementAndGet();
                    return new Reply(429, "{\"error\":\"Rate limit exceeded\"}", retryAfter);
                }
                if (path.size() < 2 || !path.get(0).equals("resources") || !path.get(1).equals("resource")) {
                    return new Reply(404, "{\"detail\": \"Not Found\"}", null);
                }
                if (path.size() == 2 && method.equals("GET")) {
                    return page(new ArrayList<>(resources.values()), request, resourcePageSize, null);
                }
                String resourceId = path.get(2);
                if (!resources.containsKey(resourceId) || path.size() < 4 || !path.get(3).equals("unavailability")) {
                    return new Reply(404, "{\"detail\": \"Resource not found\"}", null);
                }
                Integer failure = failingResources.get(resourceId);
                if (failure != null) {
                    return new Reply(failure, "{\"detail\": \"simulated failure\"}", null);
                }
                Map<String, ObjectNode> items = unavailabilities.get(resourceId);
                if (path.size() == 4) {
                    if (method.equals("GET")) {
                        return page(new ArrayList<>(items.values()), request, unavailabilityPageSize, "window");
                    }
                    if (method.equals("POST")) {
                        ObjectNode created = validated(body);
                        if (created == null) {
                            return invalid();
                        }
                        created.put("id", UUID.randomUUID().toString());
                        items.put(created.get("id").asText(), created);
                        writes.incrementAndGet();
                        return new Reply(200, created.toString(), null);
                    }
                    return new Reply(405, "{\"detail\": \"Method Not Allowed\"}", null);
                }
                String id = path.get(4);
                ObjectNode existing = items.get(id);
                if (existing == null) {
                    return new Reply(404, "{\"detail\": \"Unavailability not found\"}", null);
                }
                switch (method) {
                    case "GET":
                        return new Reply(200, existing.toString(), null);
                    case "PUT": {
                        ObjectNode updated = validated(body);
                        if (updated == null) {
                            return invalid();
                        }
                        updated.put("id", id);
                        items.put(id, updated);
                        writes.incrementAndGet();
                        return new Reply(200, updated.toString(), null);
                    }
                    case "DELETE":
                        items.remove(id);
                        writes.incrementAndGet();
                        return new Reply(200, "{}", null);
                    default:
                        return new Reply(405, "{\"detail\": \"Method Not Allowed\"}", null);
                }
            } catch (RuntimeException | java.io.IOException e) {
                return new Reply(400, "{\"detail\": \"bad request: " + e.getClass().getSimpleName() + "\"}", null);
            }
        }

        private Reply token(String authorization) {
            tokenRequests.incrementAndGet();
            String expected = "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
            if (!expected.equals(authorization)) {
                return new Reply(401, "{\"detail\": \"invalid client credentials\"}", null);
            }
            String token = name + "-" + UUID.randomUUID();
            tokens.put(token, Instant.now().plus(tokenLifetime));
            return new Reply(200, JSON.createObjectNode().put("access_token", token).put("token_type", "Bearer")
                    .put("expires_in", tokenLifetime.toSeconds()).toString(), null);
        }

        /** One cursor page; the cursor carries the offset and the filters of the first call. */
        private Reply page(List<ObjectNode> all, HttpServerRequest request, int size, String filter) {
            String cursor = request.getParam("cursor");
            int offset = 0;
            String from = request.getParam("start_time");
            String to = request.getParam("end_time");
            if (cursor != null) {
                if (from != null || to != null) {
                    return new Reply(400, "{\"detail\": \"cursor is mutually exclusive with other query parameters\"}", null);
                }
                String[] state = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|", -1);
                offset = Integer.parseInt(state[0]);
                from = state[1].isEmpty() ? null : state[1];
                to = state[2].isEmpty() ? null : state[2];
            }
            List<ObjectNode> selected = all;
            if (filter != null && (from != null || to != null)) {
                Instant after = from == null ? null : OffsetDateTime.parse(from).toInstant();
                Instant before = to == null ? null : OffsetDateTime.parse(to).toInstant();
                selected = all.stream().filter(u -> {
                    Instant start = OffsetDateTime.parse(u.path("start_time").asText()).toInstant();
                    Instant end = u.hasNonNull("end_time") ? OffsetDateTime.parse(u.get("end_time").asText()).toInstant() : null;
                    return (after == null || end == null || end.isAfter(after)) && (before == null || start.isBefore(before));
                }).toList();
            }
            ObjectNode page = JSON.createObjectNode();
            ArrayNode items = page.putArray("items");
            selected.stream().skip(offset).limit(size).forEach(items::add);
            if (offset + size < selected.size()) {
                page.put("next_cursor", Base64.getUrlEncoder().withoutPadding().encodeToString(
                        ((offset + size) + "|" + (from == null ? "" : from) + "|" + (to == null ? "" : to)).getBytes(StandardCharsets.UTF_8)));
            } else {
                page.putNull("next_cursor");
            }
            return new Reply(200, page.toString(), null);
        }

        /** The body as stored, or null when it is not a valid ResourceUnavailabilityInput. */
        private static ObjectNode validated(String body) throws java.io.IOException {
            JsonNode node = JSON.readTree(body);
            if (!(node instanceof ObjectNode object) || !object.hasNonNull("start_time") || !REASONS.contains(object.path("reason").asText())) {
                return null;
            }
            OffsetDateTime.parse(object.get("start_time").asText());
            if (object.hasNonNull("end_time")) {
                OffsetDateTime.parse(object.get("end_time").asText());
            }
            ObjectNode stored = JSON.createObjectNode();
            for (String field : List.of("external_id", "start_time", "end_time", "reason", "description")) {
                if (object.hasNonNull(field)) {
                    stored.set(field, object.get(field));
                } else {
                    stored.putNull(field);
                }
            }
            return stored;
        }

        private static Reply invalid() {
            return new Reply(422, "{\"detail\": [{\"msg\": \"start_time and a known reason are required\"}]}", null);
        }
    }
}
