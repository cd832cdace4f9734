package io.syncroutes.simulators;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A stand-in for Intempus' case API ({@code /web/v1/case/}), stateful and over real HTTP (Vert.x): ApiKey
 * authentication ({@code Authorization: ApiKey user:key}), pages {@code {meta: {limit, next, offset, previous,
 * total_count}, objects}} ordered by id, {@code logical_timestamp__gt} filtering, the {@code logical-timestamp}
 * response header (the highest timestamp committed), and create/read/update/delete of single cases. Every change
 * takes the next 64-bit logical timestamp. Tests, the benchmark and the demo change cases between runs and can make
 * requests fail (status + Retry-After).
 */
public final class IntempusSimulator extends HttpSimulator {

    public static final String BASE_PATH = "/web/v1";
    private static final String CASE_PATH = BASE_PATH + "/case/";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_LIMIT = 1000;
    private static final String TEMPLATE = """
            {"active": true, "all_employees_may_add_work_reports": true, "all_worktypes_may_used_in_work_reports": true,
             "case_group": null, "case_group_full": null, "case_state": null, "case_state_id": null, "case_state_name": null,
             "city": "", "co_responsible": null, "co_responsible_id": null, "co_responsible_name": null, "country": "",
             "creation_date": null, "creation_id": null, "customer": null, "customer_city": "", "customer_country": "DK",
             "customer_id": null, "customer_latitude": null, "customer_longitude": null, "customer_name": "Eksempelkunde",
             "customer_street_address": "Eksempelvej", "customer_zip_code": "", "department": null, "department_id": null,
             "department_name": null, "end_date": null, "file_upload_required": false, "geofence": false, "hour_budget": null,
             "id": null, "latitude": null, "logical_timestamp": null, "longitude": null, "name": null, "notes": "",
             "number": null, "number_of_children": 0, "parent": null, "parent_name": null, "permit_new_workreports": true,
             "priority": null, "remarks_required": false, "resource_uri": null, "responsible": null, "responsible_id": null,
             "responsible_name": null, "responsibles": [], "root_parent": null, "start_date": null, "street_address": "",
             "uuid": null, "zip_code": ""}""";
    /** Fields Intempus sets itself; a client's values for them are ignored. */
    private static final List<String> READ_ONLY = List.of("id", "logical_timestamp", "resource_uri", "customer_id", "creation_date");

    private final String user;
    private final String apiKey;
    private final Duration latency;
    private final NavigableMap<Long, ObjectNode> cases = new TreeMap<>();
    private final ObjectNode template;
    private long clock = 9_100_000_000L;
    private long nextId = 9_600_000L;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong pageRequests = new AtomicLong();
    private final List<String> requestLog = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Fault> faults = new ConcurrentLinkedQueue<>();
    private long churnTimer = -1;
    private volatile boolean updatesWithoutBody;

    /** A planned failure: requests matching {@code when} are answered {@code status} (with Retry-After when set), {@code times} times. */
    private record Fault(Predicate<HttpServerRequest> when, int status, String retryAfter, AtomicLong times, String body) {
    }

    private record Reply(int status, byte[] body, String retryAfter, Long logicalTimestamp) {
    }

    public IntempusSimulator(String user, String apiKey, Duration latency) {
        this.user = user;
        this.apiKey = apiKey;
        this.latency = latency;
        try {
            this.template = (ObjectNode) JSON.readTree(TEMPLATE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }


    /** The API's base URL, e.g. {@code http://127.0.0.1:8089/web/v1} (what INTEMPUS_API_URI is set to). */
    public String url() {
        return root() + BASE_PATH;
    }

    // --- state, for tests, the benchmark and the demo ------------------------------------------------------------

    /** Adds {@code count} generated cases; returns their ids. */
    public synchronized List<Long> generate(int count) {
        List<Long> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long id = nextId++;
            ObjectNode c = template.deepCopy();
            c.put("customer", "/web/v1/customer/6666940/").put("customer_id", "6666940")
                    .put("name", "Case " + id).put("number", String.valueOf(id)).put("creation_date", LocalDate.now().toString());
            stamp(c, id);
            ids.add(id);
        }
        return ids;
    }

    /** Adds a case as given (e.g. a reference payload, keeping its id and logical_timestamp when set). */
    public synchronized long put(ObjectNode given) {
        ObjectNode c = given.deepCopy();
        long id = c.path("id").canConvertToLong() && c.path("id").asLong() > 0 ? c.path("id").asLong() : nextId++;
        nextId = Math.max(nextId, id + 1);
        c.put("id", id).put("resource_uri", CASE_PATH + id + "/");
        if (c.path("logical_timestamp").canConvertToLong()) {
            clock = Math.max(clock, c.path("logical_timestamp").asLong());
        } else {
            c.put("logical_timestamp", ++clock);
        }
        cases.put(id, c);
        return id;
    }

    /** Stores a case exactly as given, even a malformed one (what a client must cope with); returns its id. */
    public synchronized long putRaw(long id, ObjectNode given) {
        cases.put(id, given.deepCopy());
        return id;
    }

    /** Changes a case remotely (its name), giving it the next logical timestamp; false when it does not exist. */
    public synchronized boolean touch(long id) {
        ObjectNode c = cases.get(id);
        if (c == null) {
            return false;
        }
        c.put("name", "Case " + id + " changed at " + (clock + 1));
        c.put("logical_timestamp", ++clock);
        return true;
    }

    /** Changes a case's field without giving it a new logical timestamp (what an equal timestamp must not overwrite). */
    public synchronized void setWithoutNewTimestamp(long id, String field, String value) {
        cases.get(id).put(field, value);
    }

    public synchronized boolean delete(long id) {
        return cases.remove(id) != null;
    }

    public synchronized ObjectNode get(long id) {
        ObjectNode c = cases.get(id);
        return c == null ? null : c.deepCopy();
    }

    public synchronized List<Long> ids() {
        return new ArrayList<>(cases.keySet());
    }

    public synchronized int size() {
        return cases.size();
    }

    /** The highest logical timestamp given so far. */
    public synchronized long logicalTimestamp() {
        return clock;
    }

    public long requests() {
        return requests.get();
    }

    /** List requests ({@code GET /case/}) so far. */
    public long pageRequests() {
        return pageRequests.get();
    }

    /** Every request so far as {@code METHOD path?query @millis}. */
    public List<String> requestLog() {
        return List.copyOf(requestLog);
    }

    /** The next {@code times} requests whose path and query contain {@code fragment} are answered {@code status}. */
    public void fail(String fragment, int status, String retryAfter, long times) {
        fail(fragment, status, retryAfter, times, "{\"error\": \"simulated failure\"}");
    }

    /** The same, answering with this body. */
    public void fail(String fragment, int status, String retryAfter, long times, String body) {
        faults.add(new Fault(r -> r.uri().contains(fragment), status, retryAfter, new AtomicLong(times), body));
    }

    /** Answer updates 204 without the case (as an API may), so a client has to read it back. */
    public void answerUpdatesWithoutBody(boolean without) {
        this.updatesWithoutBody = without;
    }

    public void clearFaults() {
        faults.clear();
    }

    /** Demo: every {@code period}, a few cases are changed, one is added and now and then one is deleted. */
    public void churn(Duration period) {
        churnTimer = vertx.setPeriodic(period.toMillis(), id -> {
            synchronized (this) {
                List<Long> ids = new ArrayList<>(cases.keySet());
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < 3 && !ids.isEmpty(); i++) {
                    touch(ids.get(random.nextInt(ids.size())));
                }
                generate(1);
                if (ids.size() > 20 && random.nextInt(3) == 0) {
                    delete(ids.get(random.nextInt(ids.size())));
                }
            }
        });
    }

    // --- HTTP ------------------------------------------------------------------------------------------------------

    @Override
    protected void handle(HttpServerRequest request) {
        requests.incrementAndGet();
        requestLog.add(request.method().name() + " " + request.uri() + " @" + System.currentTimeMillis());
        request.body().onSuccess(body -> {
            Reply reply;
            try {
                reply = answer(request, body);
            } catch (RuntimeException e) {
                reply = error(500, "server error: " + e);
            }
            Reply finalReply = reply;
            if (latency.toMillis() <= 0) {
                send(request.response(), finalReply);
            } else {
                vertx.setTimer(latency.toMillis(), id -> send(request.response(), finalReply));
            }
        });
    }

    private Reply answer(HttpServerRequest request, Buffer body) {
        String auth = request.getHeader("Authorization");
        if (auth == null || !auth.equals("ApiKey " + user + ":" + apiKey)) {
            return error(401, "invalid or missing API key");
        }
        for (Iterator<Fault> it = faults.iterator(); it.hasNext();) {
            Fault fault = it.next();
            if (fault.when().test(request)) {
                if (fault.times().decrementAndGet() <= 0) {
                    it.remove();
                }
                return new Reply(fault.status(), fault.body().getBytes(java.nio.charset.StandardCharsets.UTF_8), fault.retryAfter(), null);
            }
        }
        String path = request.path();
        if (!path.startsWith(BASE_PATH + "/case")) {
            return error(404, "no such endpoint");
        }
        String rest = path.substring((BASE_PATH + "/case").length()).replaceAll("^/+|/+$", "");
        String method = request.method().name();
        synchronized (this) {
            if (rest.isEmpty()) {
                return switch (method) {
                    case "GET" -> list(request);
                    case "POST" -> create(body);
                    default -> error(405, "method not allowed");
                };
            }
            long id;
            try {
                id = Long.parseLong(rest);
            } catch (NumberFormatException e) {
                return error(404, "no such case");
            }
            ObjectNode existing = cases.get(id);
            if (existing == null) {
                return error(404, "No case matches the given query.");
            }
            return switch (method) {
                case "GET" -> new Reply(200, bytes(existing), null, clock);
                case "PUT", "PATCH" -> update(existing, body);
                case "DELETE" -> {
                    cases.remove(id);
                    clock++;
                    yield new Reply(204, new byte[0], null, clock);
                }
                default -> error(405, "method not allowed");
            };
        }
    }

    private Reply list(HttpServerRequest request) {
        pageRequests.incrementAndGet();
        int limit = Math.min(MAX_LIMIT, intParam(request, "limit", 20));
        int offset = intParam(request, "offset", 0);
        String gtParam = request.getParam("logical_timestamp__gt");
        Long gt = gtParam == null ? null : Long.valueOf(gtParam);
        List<ObjectNode> matching = new ArrayList<>();
        for (ObjectNode c : cases.values()) {
            if (gt == null || c.get("logical_timestamp").asLong() > gt) {
                matching.add(c);
            }
        }
        String filter = gt == null ? "" : "&logical_timestamp__gt=" + gt;
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(limit * 1500 + 256);
            try (JsonGenerator json = JSON.getFactory().createGenerator(out)) {
                json.writeStartObject();
                json.writeObjectFieldStart("meta");
                json.writeNumberField("limit", limit);
                if (offset + limit < matching.size()) {
                    json.writeStringField("next", CASE_PATH + "?limit=" + limit + "&offset=" + (offset + limit) + filter);
                } else {
                    json.writeNullField("next");
                }
                json.writeNumberField("offset", offset);
                if (offset > 0) {
                    json.writeStringField("previous", CASE_PATH + "?limit=" + limit + "&offset=" + Math.max(0, offset - limit) + filter);
                } else {
                    json.writeNullField("previous");
                }
                json.writeNumberField("total_count", matching.size());
                json.writeEndObject();
                json.writeArrayFieldStart("objects");
                for (int i = offset; i < Math.min(matching.size(), offset + limit); i++) {
                    JSON.writeTree(json, matching.get(i));
                }
                json.writeEndArray();
                json.writeEndObject();
            }
            return new Reply(200, out.toByteArray(), null, clock);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Reply create(Buffer body) {
        ObjectNode given = object(body);
        if (given == null) {
            return error(400, "body is not a JSON object");
        }
        ObjectNode errors = JSON.createObjectNode();
        for (String field : List.of("customer", "number", "name")) {
            if (!given.hasNonNull(field) || given.get(field).asText().isBlank()) {
                errors.putArray(field).add("This field is required.");
            }
        }
        if (given.hasNonNull("customer") && !given.get("customer").asText().matches("/web/v1/customer/\\d+/")) {
            errors.putArray("customer").add("Could not find the provided object via resource URI '" + given.get("customer").asText() + "'.");
        }
        if (!errors.isEmpty()) {
            return new Reply(400, bytes(JSON.createObjectNode().set("case", errors)), null, null);
        }
        ObjectNode c = template.deepCopy();
        merge(c, given);
        long id = nextId++;
        c.put("creation_date", LocalDate.now().toString());
        c.put("customer_id", c.get("customer").asText().replaceAll(".*/(\\d+)/?$", "$1"));
        stamp(c, id);
        return new Reply(201, bytes(c), null, clock);
    }

    private Reply update(ObjectNode existing, Buffer body) {
        ObjectNode given = object(body);
        if (given == null) {
            return error(400, "body is not a JSON object");
        }
        merge(existing, given);
        existing.put("logical_timestamp", ++clock);
        return updatesWithoutBody ? new Reply(204, new byte[0], null, clock) : new Reply(200, bytes(existing), null, clock);
    }

    private void stamp(ObjectNode c, long id) {
        c.put("id", id).put("resource_uri", CASE_PATH + id + "/").put("logical_timestamp", ++clock);
        cases.put(id, c);
    }

    private static void merge(ObjectNode target, ObjectNode given) {
        given.fields().forEachRemaining(e -> {
            if (!READ_ONLY.contains(e.getKey())) {
                target.set(e.getKey(), e.getValue());
            }
        });
    }

    private static ObjectNode object(Buffer body) {
        try {
            JsonNode node = JSON.readTree(body.getBytes());
            return node instanceof ObjectNode o ? o : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static int intParam(HttpServerRequest request, String name, int fallback) {
        String value = request.getParam(name);
        try {
            return value == null ? fallback : Math.max(0, Integer.parseInt(value));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static Reply error(int status, String message) {
        ObjectNode body = JSON.createObjectNode().put("error_message", message);
        return new Reply(status, bytes(body), null, null);
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void send(HttpServerResponse response, Reply reply) {
        response.setStatusCode(reply.status());
        if (reply.body().length > 0) {
            response.putHeader("Content-Type", "application/json");
        }
        if (reply.retryAfter() != null) {
            response.putHeader("Retry-After", reply.retryAfter());
        }
        if (reply.logicalTimestamp() != null) {
            response.putHeader("logical-timestamp", String.valueOf(reply.logicalTimestamp()));
        }
        response.end(Buffer.buffer(reply.body()));
    }

    @Override
    public void close() {
        if (vertx != null && churnTimer >= 0) {
            vertx.cancelTimer(churnTimer);
        }
        super.close();
    }

    /** For a quick look: {@code cases} as id -> logical_timestamp. */
    public synchronized Map<Long, Long> timestamps() {
        Map<Long, Long> map = new TreeMap<>();
        cases.forEach((id, c) -> map.put(id, c.get("logical_timestamp").asLong()));
        return map;
    }
}
