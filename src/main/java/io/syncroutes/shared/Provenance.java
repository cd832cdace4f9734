package io.syncroutes.shared;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.bson.Document;
import org.bson.types.ObjectId;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Answers where a record came from: the runs ({@code /observe/runs}, {@code /observe/runs/{id}}) and the latest
 * writes of one record ({@code /observe/provenance/{flow}/{key}}): from the {@code _sync} sub-document the record
 * carries (its latest write and short history) and from the ledger, each with its run. The same as JMX operations.
 */
public final class Provenance implements ProvenanceMBean {

    /** The sub-document of a stored record naming its latest writes. */
    public static final String FIELD = "_sync";
    /** Writes kept in a record's {@code _sync.history}. */
    public static final int HISTORY = 5;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DEFAULT_LIMIT = 20;
    private static final int MAX_LIMIT = 1_000;
    private static final int MAX_WRITES = 20;

    private final SyncRuns runs;
    private final Map<String, Function<String, Document>> sources = new ConcurrentHashMap<>();

    public Provenance(SyncRuns runs) {
        this.runs = runs;
    }

    /** The {@code _sync} of a stored record of {@code flow} by its key (null: no such record), for the provenance answer. */
    public void source(String flow, Function<String, Document> syncOf) {
        sources.put(flow, syncOf);
    }

    /** Header a caller sets to name what started a run it asks for (e.g. {@code jmx}). */
    public static final String TRIGGER_HEADER = "syncTrigger";

    /**
     * What started the run of this exchange: the header {@value #TRIGGER_HEADER} when given, else by the endpoint it
     * came from (a timer, cron or leader's timer: {@code timer}; {@code file poll}; {@code queue}; {@code rest}; a
     * direct call from the command line: {@code once}).
     */
    public static String trigger(Exchange exchange) {
        String given = exchange.getMessage().getHeader(TRIGGER_HEADER, String.class);
        if (given != null && !given.isBlank()) {
            return given;
        }
        String uri = exchange.getFromEndpoint() == null ? "" : exchange.getFromEndpoint().getEndpointUri();
        if (uri.contains("file:")) {
            return "file poll";
        }
        if (uri.contains("timer:") || uri.contains("quartz:") || uri.contains("cron:")) {
            return "timer";
        }
        if (uri.startsWith("platform-http:") || uri.startsWith("rest:")) {
            return "rest";
        }
        if (uri.startsWith("spring-rabbitmq:")) {
            return "queue";
        }
        return "once";
    }

    /** One provenance entry: the run, when and what. */
    public static Document entry(String runId, Date at, Map<String, Object> source) {
        return new Document("runId", runId).append("writtenAt", at).append("source", new Document(source));
    }

    /**
     * The {@code _sync} of a record written whole (a replace): this write, and the history it had before with this
     * write appended (the last {@value #HISTORY}).
     */
    public static Document stamp(String runId, Date at, Map<String, Object> source, Object previous) {
        List<Object> history = new ArrayList<>();
        if (previous instanceof Document before && before.get("history") instanceof List<?> kept) {
            history.addAll(kept);
        }
        history.add(entry(runId, at, source));
        if (history.size() > HISTORY) {
            history = new ArrayList<>(history.subList(history.size() - HISTORY, history.size()));
        }
        return entry(runId, at, source).append("history", history);
    }

    // --- HTTP (routes/operations.camel.yaml) ----------------------------------------------------------------------

    /** {@code GET /observe/runs?flow=&limit=}. */
    public Object runsRequest(Exchange exchange) {
        Message in = exchange.getMessage();
        int limit;
        try {
            String given = in.getHeader("limit", String.class);
            limit = given == null || given.isBlank() ? DEFAULT_LIMIT : Integer.parseInt(given.trim());
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            return status(exchange, 400, Map.of("error", "limit must be a whole number from 1 to " + MAX_LIMIT));
        }
        return runsAnswer(in.getHeader("flow", String.class), limit);
    }

    /** {@code GET /observe/runs/{id}}: the run, or 404. */
    public Object runRequest(Exchange exchange) {
        String id = exchange.getMessage().getHeader("id", String.class);
        Document run = runs.run(id);
        return run == null ? status(exchange, 404, Map.of("error", "no run " + id)) : plain(run);
    }

    /** {@code GET /observe/provenance/{flow}/{key}}. */
    public Object provenanceRequest(Exchange exchange) {
        Message in = exchange.getMessage();
        Map<String, Object> answer = provenanceAnswer(in.getHeader("flow", String.class), in.getHeader("key", String.class));
        if (!(Boolean) answer.remove("found")) {
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
        }
        return answer;
    }

    // --- JMX --------------------------------------------------------------------------------------------------------

    @Override
    public String runs(String flow, int limit) {
        return json(runsAnswer(flow, Math.max(1, Math.min(MAX_LIMIT, limit))));
    }

    @Override
    public String run(String id) {
        Document run = runs.run(id);
        return run == null ? json(Map.of("error", "no run " + id)) : json(plain(run));
    }

    @Override
    public String provenance(String flow, String key) {
        Map<String, Object> answer = provenanceAnswer(flow, key);
        answer.remove("found");
        return json(answer);
    }

    @Override
    public String purge() {
        long[] removed = runs.purge();
        return json(Map.of("runsRemoved", removed[0], "ledgerEntriesRemoved", removed[1]));
    }

    @Override
    public long getRetentionDays() {
        return runs.retention().toDays();
    }

    // --- answers ----------------------------------------------------------------------------------------------------

    private Map<String, Object> runsAnswer(String flow, int limit) {
        List<Object> list = new ArrayList<>();
        runs.list(flow, limit).forEach(doc -> list.add(plain(doc)));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("flow", flow == null || flow.isBlank() ? null : flow);
        answer.put("runs", list);
        return answer;
    }

    /**
     * The latest writes of a record, newest first: those its {@code _sync} names and those of the ledger, each with
     * its run's flow, trigger and times; {@code found} false when neither knows it.
     */
    private Map<String, Object> provenanceAnswer(String flow, String key) {
        Function<String, Document> source = sources.get(flow);
        Document sync = source == null ? null : source.apply(key);
        List<Document> writes = new ArrayList<>();
        if (sync != null) {
            List<?> history = sync.get("history", List.class);
            if (history != null && !history.isEmpty()) {
                history.stream().filter(Document.class::isInstance).map(Document.class::cast)
                        .forEach(h -> writes.add(new Document("action", "stored").append("at", h.get("writtenAt"))
                                .append("source", h.get("source")).append("runId", h.get("runId"))));
            } else if (sync.get("runId") != null) {
                writes.add(new Document("action", "stored").append("at", sync.get("writtenAt"))
                        .append("source", sync.get("source")).append("runId", sync.get("runId")));
            }
            if (sync.get("exported") instanceof Document exported) {
                writes.add(new Document("action", "exported").append("at", exported.get("at"))
                        .append("source", new Document("file", exported.get("file"))).append("runId", exported.get("runId")));
            }
        }
        for (Document entry : runs.ledgerOf(flow, key)) {
            writes.add(new Document("action", entry.get("action")).append("at", entry.get("at"))
                    .append("source", entry.get("source")).append("runId", entry.get("runId")));
        }
        writes.sort(Comparator.comparing((Document w) -> w.get("at") instanceof Date d ? d : new Date(0)).reversed());
        List<Document> latest = writes.subList(0, Math.min(MAX_WRITES, writes.size()));
        Map<String, Document> byId = runs.runs(runIds(latest));
        List<Object> answered = new ArrayList<>();
        for (Document write : latest) {
            Document run = byId.get(write.getString("runId"));
            if (run != null) {
                write.append("run", new Document("flow", run.get("flow")).append("subject", run.get("subject"))
                        .append("trigger", run.get("trigger")).append("instance", run.get("instance"))
                        .append("startedAt", run.get("startedAt")).append("endedAt", run.get("endedAt")));
            }
            answered.add(plain(write));
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("flow", flow);
        answer.put("key", key);
        answer.put("stored", sync != null);
        answer.put("writes", answered);
        answer.put("found", sync != null || !writes.isEmpty());
        return answer;
    }

    private static List<String> runIds(Collection<Document> writes) {
        Set<String> ids = new LinkedHashSet<>();
        writes.forEach(w -> {
            if (w.get("runId") instanceof String id) {
                ids.add(id);
            }
        });
        return new ArrayList<>(ids);
    }

    private static Object status(Exchange exchange, int status, Object body) {
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        return body;
    }

    /** A document as plain JSON values: dates as ISO-8601 text, object ids as hex. */
    public static Object plain(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), plain(v)));
            return copy;
        }
        if (value instanceof Collection<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(v -> copy.add(plain(v)));
            return copy;
        }
        if (value instanceof Date date) {
            return date.toInstant().toString();
        }
        if (value instanceof ObjectId id) {
            return id.toHexString();
        }
        return value;
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(plain(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
