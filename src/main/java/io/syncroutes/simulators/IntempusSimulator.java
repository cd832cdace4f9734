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
import java.nio.charset.StandardCharsets;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for Intempus' case API ({@code /web/v1/case/}), stateful and over real HTTP (Vert.x), answering like the
 * Django + tastypie server it stands for: paths end with a slash ({@code /case/}, {@code /case/{id}/}), a path
 * without it is redirected (301, Django's APPEND_SLASH) and an unknown one is Django's HTML 404 page; tastypie's
 * ApiKey authentication ({@code Authorization: ApiKey user:key}, the scheme in any case, or the {@code username} and
 * {@code api_key} query parameters), refused with an empty 401; a missing case is an empty 404. Pages are
 * {@code {meta: {limit, next, offset, previous, total_count}, objects}} ordered by id, with {@code
 * logical_timestamp__gt} filtering and the {@code logical-timestamp} response header (the highest timestamp
 * committed). Every change takes the next 64-bit logical timestamp. Tests, the benchmark and the demo change cases
 * between runs and can make requests fail (status, Retry-After, any body).
 */
public final class IntempusSimulator extends HttpSimulator {

    public static final String BASE_PATH = "/web/v1";
    private static final String CASE_PATH = BASE_PATH + "/case/";
    /** The list ({@code /web/v1/case/}) and detail ({@code /web/v1/case/{id}/}) URLs, as tastypie declares them. */
    private static final Pattern CASE_URL = Pattern.compile(Pattern.quote(CASE_PATH) + "(?:([^/]+)/)?");
    private static final String JSON_TYPE = "application/json";
    private static final String HTML_TYPE = "text/html; charset=utf-8";
    /** Django's page for a URL nothing answers (DEBUG off). */
    private static final String NOT_FOUND_PAGE = """
            <!doctype html>
            <html lang="en">
            <head>
              <title>Not Found</title>
            </head>
            <body>
              <h1>Not Found</h1><p>The requested resource was not found on this server.</p>
            </body>
            </html>
            """;
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

    /** A planned failure: requests matching {@code when} are answered {@code reply}, {@code times} times. */
    private record Fault(Predicate<HttpServerRequest> when, Reply reply, AtomicLong times) {
    }

    /** An answer: status, body (empty: no Content-Type) and extra headers. */
    private record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {

        static Reply empty(int status) {
            return new Reply(status, null, new byte[0], Map.of());
        }

        static Reply page(int status, String html) {
            return new Reply(status, HTML_TYPE, html.getBytes(StandardCharsets.UTF_8), Map.of());
        }

        static Reply json(int status, byte[] body, long logicalTimestamp) {
            return new Reply(status, JSON_TYPE, body, Map.of("logical-timestamp", String.valueOf(logicalTimestamp)));
        }

        static Reply noContent(long logicalTimestamp) {
            return new Reply(204, null, new byte[0], Map.of("logical-timestamp", String.valueOf(logicalTimestamp)));
        }
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

    /**
     * The next {@code times} authenticated requests whose {@code METHOD path?query} contains {@code fragment} are
     * answered {@code status} (with Retry-After when set) and a JSON error.
     */
    public void fail(String fragment, int status, String retryAfter, long times) {
        fail(fragment, status, retryAfter, times, "{\"error\": \"simulated failure\"}");
    }

    /** The same, answering with this JSON body (empty: no body at all). */
    public void fail(String fragment, int status, String retryAfter, long times, String body) {
        Map<String, String> headers = retryAfter == null ? Map.of() : Map.of("Retry-After", retryAfter);
        fail(fragment, new Reply(status, body.isEmpty() ? null : JSON_TYPE, body.getBytes(StandardCharsets.UTF_8), headers), times);
    }

    /** The same, answering with an HTML page (what a proxy in front of Intempus, or Django itself, sends on errors). */
    public void failWithPage(String fragment, int status, long times, String html) {
        fail(fragment, Reply.page(status, html), times);
    }

    private void fail(String fragment, Reply reply, long times) {
        faults.add(new Fault(r -> (r.method().name() + " " + r.uri()).contains(fragment), reply, new AtomicLong(times)));
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
                // Django's page for an unhandled error (DEBUG off)
                reply = Reply.page(500, "<h1>Server Error (500)</h1>");
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
        String path = request.path();
        Matcher url = CASE_URL.matcher(path);
        if (!url.matches()) {
            // Django's APPEND_SLASH (on by default) answers 301 to the slashed path for every method once DEBUG is off (its
            // error for POST/PUT/PATCH is DEBUG only), so a write sent without the slash never lands: clients do not
            // follow the redirect, or follow it as a GET
            if (CASE_URL.matcher(path + "/").matches()) {
                String query = request.query();
                return new Reply(301, null, new byte[0], Map.of("Location", path + "/" + (query == null ? "" : "?" + query)));
            }
            return Reply.page(404, NOT_FOUND_PAGE);
        }
        if (!authenticated(request)) {
            return Reply.empty(401);
        }
        for (Iterator<Fault> it = faults.iterator(); it.hasNext();) {
            Fault fault = it.next();
            if (fault.when().test(request)) {
                if (fault.times().decrementAndGet() <= 0) {
                    it.remove();
                }
                return fault.reply();
            }
        }
        String method = request.method().name();
        synchronized (this) {
            if (url.group(1) == null) {
                return switch (method) {
                    case "GET" -> list(request);
                    case "POST" -> create(body);
                    default -> notAllowed("GET,POST");
                };
            }
            if (!List.of("GET", "PUT", "PATCH", "DELETE").contains(method)) {
                return notAllowed("GET,PUT,PATCH,DELETE");
            }
            long id = url.group(1).matches("\\d{1,18}") ? Long.parseLong(url.group(1)) : -1;
            ObjectNode existing = cases.get(id);
            if (existing == null) {
                // tastypie answers a case it does not have with an empty 404
                return Reply.empty(404);
            }
            return switch (method) {
                case "GET" -> Reply.json(200, bytes(existing), clock);
                case "DELETE" -> {
                    cases.remove(id);
                    clock++;
                    yield Reply.noContent(clock);
                }
                default -> update(existing, body);
            };
        }
    }

    /**
     * tastypie's ApiKeyAuthentication: {@code Authorization: <scheme> user:key} with the scheme {@code ApiKey} in any
     * case, else the {@code username} and {@code api_key} query parameters.
     */
    private boolean authenticated(HttpServerRequest request) {
        String header = request.getHeader("Authorization");
        int space = header == null ? -1 : header.indexOf(' ');
        String credentials;
        if (space > 0 && header.substring(0, space).equalsIgnoreCase("ApiKey")) {
            credentials = header.substring(space + 1);
        } else {
            String name = request.getParam("username");
            String key = request.getParam("api_key");
            credentials = name == null || key == null ? null : name + ":" + key;
        }
        return (user + ":" + apiKey).equals(credentials);
    }

    private static Reply notAllowed(String allowed) {
        return new Reply(405, null, new byte[0], Map.of("Allow", allowed));
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
            return Reply.json(200, out.toByteArray(), clock);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Reply create(Buffer body) {
        ObjectNode given = object(body);
        if (given == null) {
            return Reply.page(400, "Invalid data sent.");
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
            return new Reply(400, JSON_TYPE, bytes(JSON.createObjectNode().set("case", errors)), Map.of());
        }
        ObjectNode c = template.deepCopy();
        merge(c, given);
        long id = nextId++;
        c.put("creation_date", LocalDate.now().toString());
        c.put("customer_id", c.get("customer").asText().replaceAll(".*/(\\d+)/?$", "$1"));
        stamp(c, id);
        return Reply.json(201, bytes(c), clock);
    }

    private Reply update(ObjectNode existing, Buffer body) {
        ObjectNode given = object(body);
        if (given == null) {
            return Reply.page(400, "Invalid data sent.");
        }
        merge(existing, given);
        existing.put("logical_timestamp", ++clock);
        return updatesWithoutBody ? Reply.noContent(clock) : Reply.json(200, bytes(existing), clock);
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

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void send(HttpServerResponse response, Reply reply) {
        response.setStatusCode(reply.status());
        if (reply.contentType() != null) {
            response.putHeader("Content-Type", reply.contentType());
        }
        reply.headers().forEach(response::putHeader);
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
