package io.syncroutes.cases;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncroutes.shared.Failures;
import io.syncroutes.shared.FlowState;
import io.syncroutes.shared.InvalidInputException;
import io.syncroutes.shared.JsonSchemaValidator;
import io.syncroutes.shared.Provenance;
import io.syncroutes.shared.Secrets;
import io.syncroutes.shared.SyncStats;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The local case API ({@code /case}, REST DSL in {@code routes/cases.camel.yaml}): reads from MongoDB; creates,
 * changes and deletes in Intempus first, then stores only Intempus' answer locally. Bodies are checked with JSON
 * Schemas ({@code schemas/case-create.schema.json}, {@code case-update.schema.json}); a request that fails validation
 * (body, id, limit, offset) is answered 422 as the reference FastAPI service does. Errors are answered in the
 * reference shape {@code {"detail": {"title", "detail", "version", "error_messages"}}}, unexpected ones as
 * {@code {"error": {"code", "detail"}}} without a stack trace.
 */
public final class CasesApi {

    private static final Logger LOG = LoggerFactory.getLogger(CasesApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VERSION = "1.0.0";
    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 1000;
    /** A request that fails validation: what the reference service (FastAPI) and its clients use. */
    private static final int UNPROCESSABLE = 422;
    /** Exchange property: the case id of the request. */
    private static final String CASE_ID = "caseId";
    /** Exchange property: the counter of the write ({@code api_created}, {@code api_updated}). */
    private static final String ACTION = "caseAction";

    private final CasesStore store;
    private final JsonSchemaValidator createSchema;
    private final JsonSchemaValidator updateSchema;
    private final String authorization;
    private final FlowState flow;
    private final IntempusAnswers answers;
    private final boolean dryRun;

    CasesApi(CasesStore store, JsonSchemaValidator createSchema, JsonSchemaValidator updateSchema, String authorization, FlowState flow,
            IntempusAnswers answers, boolean dryRun) {
        this.store = store;
        this.createSchema = createSchema;
        this.updateSchema = updateSchema;
        this.authorization = authorization;
        this.flow = flow;
        this.answers = answers;
        this.dryRun = dryRun;
    }

    /** The API while the flow is off: every request is answered 503, naming the variables that turn the flow on. */
    public static CasesApi off() {
        return new CasesApi(null, null, null, null, null, new IntempusAnswers(new Secrets(List.of())), false);
    }

    private void checkOn() {
        if (store == null) {
            throw new CaseApiException(503, "Cases flow off", "the cases flow is off: set INTEMPUS_API_URI, INTEMPUS_API_USER and "
                    + "INTEMPUS_API_KEY to turn it on", List.of("cases flow off"));
        }
    }

    /** In a dry run a valid write is refused (503) before it reaches Intempus, saying so. */
    private void checkWritable() {
        if (dryRun) {
            throw new CaseApiException(503, "Dry run", "the cases flow runs dry (CASES_DRY_RUN or SYNC_DRY_RUN): the /case API "
                    + "changes nothing; the request was valid", List.of("dry run"));
        }
    }

    // --- reads (MongoDB) -----------------------------------------------------------------------------------------------

    /** {@code GET /case?limit=&offset=}: a page of local cases in Intempus' page shape. */
    public void list(Exchange exchange) throws IOException {
        checkOn();
        Message in = exchange.getMessage();
        int limit = number(in.getHeader("limit", String.class), "limit", DEFAULT_LIMIT);
        int offset = number(in.getHeader("offset", String.class), "offset", 0);
        if (limit == 0 || limit > MAX_LIMIT) {
            throw invalid("limit must be between 1 and " + MAX_LIMIT);
        }
        long total = store.count();
        ObjectNode page = JSON.createObjectNode();
        ObjectNode meta = page.putObject("meta");
        meta.put("limit", limit);
        if (offset + limit < total) {
            meta.put("next", "/case?limit=" + limit + "&offset=" + (offset + limit));
        } else {
            meta.putNull("next");
        }
        meta.put("offset", offset);
        if (offset > 0) {
            meta.put("previous", "/case?limit=" + limit + "&offset=" + Math.max(0, offset - limit));
        } else {
            meta.putNull("previous");
        }
        meta.put("total_count", total);
        StringBuilder body = new StringBuilder(JSON.writeValueAsString(page));
        body.setLength(body.length() - 1);
        body.append(",\"objects\":[");
        List<Document> docs = store.page(offset, limit);
        boolean provenance = provenanceAsked(in);
        for (int i = 0; i < docs.size(); i++) {
            body.append(i == 0 ? "" : ",").append(caseJson(docs.get(i), provenance));
        }
        body.append("]}");
        reply(exchange, 200, body.toString());
    }

    /** {@code GET /case/{id}}: the local case, or 404. */
    public void get(Exchange exchange) throws IOException {
        checkOn();
        long id = id(exchange);
        Document doc = store.get(id);
        if (doc == null) {
            throw notFound(id);
        }
        reply(exchange, 200, caseJson(doc, provenanceAsked(exchange.getMessage())));
    }

    // --- writes (Intempus first) ---------------------------------------------------------------------------------------

    /** {@code POST /case}: checks the body, then prepares {@code POST case/} to Intempus. */
    public void prepareCreate(Exchange exchange) {
        checkOn();
        ObjectNode body = body(exchange, createSchema);
        checkWritable();
        exchange.setProperty(ACTION, "api_created");
        request(exchange, "POST", "case/", body);
    }

    /** {@code PUT /case/{id}}: checks the body, then prepares {@code PUT case/{id}/} to Intempus. */
    public void prepareUpdate(Exchange exchange) {
        checkOn();
        long id = id(exchange);
        ObjectNode body = body(exchange, updateSchema);
        checkWritable();
        exchange.setProperty(CASE_ID, id);
        exchange.setProperty(ACTION, "api_updated");
        request(exchange, "PUT", "case/" + id + "/", body);
    }

    /** {@code DELETE /case/{id}}: prepares {@code DELETE case/{id}/} to Intempus. */
    public void prepareDelete(Exchange exchange) {
        checkOn();
        long id = id(exchange);
        checkWritable();
        exchange.setProperty(CASE_ID, id);
        request(exchange, "DELETE", "case/" + id + "/", null);
    }

    /** Intempus accepted a change but answered without the case: prepares {@code GET case/{id}/} to read it. */
    public void prepareFetch(Exchange exchange) {
        request(exchange, "GET", "case/" + exchange.getProperty(CASE_ID, Long.class) + "/", null);
    }

    /** Whether Intempus' 2xx answer carries no case (then the route reads it with a GET). */
    public boolean answerIsEmpty(Exchange exchange) {
        String body = exchange.getMessage().getBody(String.class);
        return body == null || body.isBlank();
    }

    /** Intempus' 2xx answer (a case): stored locally unless a newer version is there; answered 201 with the case. */
    public void stored(Exchange exchange) throws IOException {
        String answer = exchange.getMessage().getBody(String.class);
        JsonNode node = IntempusAnswers.isJson(answer) ? JSON.readTree(answer) : null;
        if (!(node instanceof ObjectNode c) || !c.path("id").isIntegralNumber() || !c.path(CasesStore.TIMESTAMP).isIntegralNumber()) {
            int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class);
            throw new InvalidInputException("no case (id, logical_timestamp) in the answer to a write: " + answers.describe(status, answer));
        }
        String action = exchange.getProperty(ACTION, "api_written", String.class);
        // an API write is a run of its own (trigger rest), named by the case's provenance
        SyncStats run = new SyncStats("cases", "case API " + action, action).trigger("rest");
        Map<String, Object> source = Map.of("api", action, "intempusId", c.get("id").asLong(),
                CasesStore.TIMESTAMP, c.get(CasesStore.TIMESTAMP).asLong());
        Date now = new Date();
        CasesStore.Outcome outcome = store.storeIfNewer(CasesStore.toDocument(c), before -> Provenance.stamp(run.runId(), now, source, before));
        flow.count(action, 1);
        run.increment(action);
        flow.recordRun(run.finish());
        LOG.debug("case {} {}: stored locally: {}", c.get("id"), action, outcome);
        reply(exchange, 201, answer);
    }

    /** Intempus deleted the case (or did not have it): the local copy goes too; 204. */
    public void deleted(Exchange exchange) {
        long id = exchange.getProperty(CASE_ID, Long.class);
        store.delete(id);
        flow.count("api_deleted", 1);
        SyncStats run = new SyncStats("cases", "case API api_deleted", "api_deleted").trigger("rest");
        flow.ledger("cases", String.valueOf(id), "deleted", Map.of("api", "api_deleted"), run.runId());
        run.increment("api_deleted");
        flow.recordRun(run.finish());
        reply(exchange, 204, null);
    }

    /** Intempus answered a write with an error: passed through with its status, in the reference error shape. */
    public void intempusError(Exchange exchange) throws IOException {
        int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 502, Integer.class);
        refused(exchange, status, exchange.getMessage().getBody(String.class));
    }

    /** Intempus answered a read (the read-back after a change) with an error: the same. */
    public void intempusFailed(Exchange exchange) throws IOException {
        HttpOperationFailedException http = Failures.find(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class),
                HttpOperationFailedException.class);
        refused(exchange, http.getStatusCode(), http.getResponseBody());
    }

    /**
     * An error status of Intempus, passed through with the reason (empty, non-JSON or JSON body) and Intempus' own
     * messages; a status that is no error (a redirect) is answered 502. The body is masked: an API that echoes the
     * credentials it got must not hand them to the client.
     */
    private void refused(Exchange exchange, int status, String body) throws IOException {
        String reason = answers.describe(status, body);
        boolean error = status >= 400;
        if (!error || status >= 500) {
            LOG.warn("case API {}: {}", exchange.getFromRouteId(), reason);
        }
        reply(exchange, error ? status : 502, errorShape(error ? "Intempus rejected the request" : "Intempus answered unexpectedly",
                reason, messages(body, reason)));
    }

    // --- errors ----------------------------------------------------------------------------------------------------

    /** A {@link CaseApiException}: its status, in the reference error shape. */
    public void rejected(Exchange exchange) throws IOException {
        CaseApiException e = Failures.find(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class), CaseApiException.class);
        reply(exchange, e.status(), errorShape(e.title(), e.getMessage(), e.messages()));
    }

    /** Intempus could not be reached (connection refused, timeout): 503. */
    public void unreachable(Exchange exchange) throws IOException {
        String reason = Failures.of(exchange).reason();
        LOG.warn("case API {}: Intempus unreachable ({})", exchange.getFromRouteId(), reason);
        reply(exchange, 503, errorShape("Intempus unavailable", "Intempus could not be reached; nothing was changed, try again later",
                List.of(reason)));
    }

    /** Anything unexpected: 500 {@code {"error": {"code", "detail"}}}, one log line with a reference, no stack trace. */
    public void unexpected(Exchange exchange) throws IOException {
        String reference = UUID.randomUUID().toString().substring(0, 8);
        LOG.warn("case API {} failed unexpectedly (reference {}): {}", exchange.getFromRouteId(), reference, Failures.of(exchange).reason());
        ObjectNode error = JSON.createObjectNode();
        error.putObject("error").put("code", "internal_error").put("detail", "unexpected error; see the log, reference " + reference);
        reply(exchange, 500, JSON.writeValueAsString(error));
    }

    // --- helpers ---------------------------------------------------------------------------------------------------

    private void request(Exchange exchange, String method, String path, ObjectNode body) {
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_METHOD, method);
        message.setHeader(Exchange.HTTP_PATH, path);
        message.setHeader("Authorization", authorization);
        message.setHeader("Accept", "application/json");
        if (body != null) {
            message.setHeader(Exchange.CONTENT_TYPE, "application/json");
            message.setBody(body.toString());
        } else {
            message.setBody(null);
        }
    }

    private static ObjectNode body(Exchange exchange, JsonSchemaValidator schema) {
        String text = exchange.getMessage().getBody(String.class);
        JsonNode node;
        try {
            node = text == null || text.isBlank() ? null : JSON.readTree(text);
        } catch (IOException e) {
            throw invalid("the body is not JSON: " + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
        }
        if (!(node instanceof ObjectNode object)) {
            throw invalid("the body must be a JSON object");
        }
        List<String> reasons = schema.validate(object);
        if (!reasons.isEmpty()) {
            throw new CaseApiException(UNPROCESSABLE, "Invalid request body", "the case does not match the schema", reasons);
        }
        return object;
    }

    private static long id(Exchange exchange) {
        String value = exchange.getMessage().getHeader("id", String.class);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException | NullPointerException e) {
            throw new CaseApiException(UNPROCESSABLE, "Invalid request", "the case id must be a whole number, not '" + value + "'",
                    List.of("case ids are whole numbers"));
        }
    }

    private static int number(String value, String name, int fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw invalid(name + " must be a whole number >= 0, not '" + value + "'");
    }

    private static CaseApiException invalid(String reason) {
        return new CaseApiException(UNPROCESSABLE, "Invalid request", reason, List.of(reason));
    }

    private static CaseApiException notFound(long id) {
        return new CaseApiException(404, "Not found", "no case with id " + id, List.of("no case with id " + id));
    }

    /** A stored case as Intempus sent it (without the {@code _id} key); its {@code _sync} only when asked for. */
    private static String caseJson(Document doc, boolean provenance) throws IOException {
        Document copy = new Document(doc);
        copy.remove("_id");
        Object sync = copy.remove(Provenance.FIELD);
        if (provenance && sync != null) {
            copy.put(Provenance.FIELD, Provenance.plain(sync));
        }
        return JSON.writeValueAsString(copy);
    }

    /** {@code ?provenance=true}: the cases answered carry their {@code _sync}. */
    private static boolean provenanceAsked(Message in) {
        return "true".equalsIgnoreCase(in.getHeader("provenance", String.class));
    }

    /** Intempus' own messages in a JSON error body (masked), else the reason alone. */
    private List<String> messages(String body, String reason) {
        if (!IntempusAnswers.isJson(body)) {
            return List.of(reason);
        }
        try {
            JsonNode node = JSON.readTree(answers.mask(body));
            if (node.path("detail").path("error_messages").isArray()) {
                return JSON.convertValue(node.path("detail").path("error_messages"), JSON.getTypeFactory().constructCollectionType(List.class, String.class));
            }
            return List.of(node.toString());
        } catch (IOException | IllegalArgumentException e) {
            return List.of(reason);
        }
    }

    private static String errorShape(String title, String detail, List<String> messages) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode d = root.putObject("detail");
        d.put("title", title).put("detail", detail).put("version", VERSION);
        ArrayNode list = d.putArray("error_messages");
        messages.forEach(list::add);
        return JSON.writeValueAsString(root);
    }

    private static void reply(Exchange exchange, int status, String body) {
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        if (body != null) {
            message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        }
        message.setBody(body);
    }
}
