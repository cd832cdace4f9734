package io.syncroutes.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.MongoDatabase;
import io.syncroutes.simulators.FocusSimulator;
import io.syncroutes.simulators.IntempusSimulator;
import io.syncroutes.simulators.IvantiSimulator;
import io.syncroutes.simulators.QargoEnvironment;
import io.syncroutes.simulators.QargoSimulator;
import org.bson.Document;

import java.net.URI;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;

/**
 * The soak's remote systems: the four simulators, each behind its own {@link FaultProxy}, the settings that point
 * the app at the proxies, the changes of their data between runs, and whether the app's copies equal them.
 */
final class SoakRemotes implements AutoCloseable {

    static final String RESOURCE = "promotions";
    private final Random random = new Random(29);
    private final int year = LocalDate.now(ZoneOffset.UTC).getYear();
    final IvantiSimulator ivanti;
    final IntempusSimulator intempus;
    final FocusSimulator focus;
    final QargoSimulator qargo;
    final List<FaultProxy> proxies = new ArrayList<>();
    final FaultProxy ivantiProxy;
    private final Map<String, String> env = new HashMap<>();

    SoakRemotes(int qargoResources) throws Exception {
        ivanti = new IvantiSimulator("soak-client", "soak-client-secret", "soak-api-key", Duration.ofMillis(5), 0);
        ivanti.start("127.0.0.1", 0);
        intempus = new IntempusSimulator("soak-user", "soak-intempus-key", Duration.ofMillis(5));
        intempus.start("127.0.0.1", 0);
        intempus.generate(200);
        focus = new FocusSimulator("soak-user", "soak-focus-password", "soak", "dk", Duration.ofMinutes(30));
        focus.promotions(RESOURCE);
        for (int i = 0; i < 50; i++) {
            focus.randomChange(RESOURCE);
        }
        focus.start("127.0.0.1", 0);
        qargo = new QargoSimulator("soak-master", "soak-master-secret", "soak-local", "soak-local-secret");
        qargo.start("127.0.0.1", 0);
        qargo.seed(random, qargoResources, 5, year);

        ivantiProxy = proxy("ivanti", ivanti.url());
        env.put("IVANTI_API_URL", ivantiProxy.route(ivanti.url()));
        env.put("IVANTI_TOKEN_URL", ivantiProxy.route(ivanti.url()) + "/oauth/token");
        env.put("IVANTI_CLIENT_ID", "soak-client");
        env.put("IVANTI_CLIENT_SECRET", "soak-client-secret");
        env.put("IVANTI_API_KEY", "soak-api-key");
        FaultProxy intempusProxy = proxy("intempus", intempus.url());
        env.put("INTEMPUS_API_URI", intempusProxy.route(intempus.url()));
        env.put("INTEMPUS_API_USER", "soak-user");
        env.put("INTEMPUS_API_KEY", "soak-intempus-key");
        FaultProxy focusProxy = proxy("focus", focus.url());
        env.put("FOCUS_API_URL", focusProxy.route(focus.url()));
        env.put("FOCUS_USER", "soak-user");
        env.put("FOCUS_PASSWORD", "soak-focus-password");
        env.put("FOCUS_BUSINESS_SERVICE", "soak");
        env.put("FOCUS_COUNTRY", "dk");
        FaultProxy qargoProxy = proxy("qargo", qargo.apiUrl());
        env.put("QARGO_API_URL", qargoProxy.route(qargo.apiUrl()));
        env.put("QARGO_AUTH_URL", qargoProxy.route(qargo.authUrl()));
        env.put("QARGO_CLIENT_ID", "soak-local");
        env.put("QARGO_CLIENT_SECRET", "soak-local-secret");
        env.put("QARGO_MASTER_CLIENT_ID", "soak-master");
        env.put("QARGO_MASTER_CLIENT_SECRET", "soak-master-secret");
        env.put("QARGO_SYNC_FROM", year + "-01-01");
    }

    private FaultProxy proxy(String name, String url) throws Exception {
        FaultProxy proxy = new FaultProxy(name, URI.create(url).getPort());
        proxies.add(proxy);
        return proxy;
    }

    /** The settings that point every flow at the proxies. */
    Map<String, String> env() {
        return Map.copyOf(env);
    }

    /** Every remote token stops being accepted (Ivanti, Focus, both Qargo environments; Intempus uses an API key). */
    void expireTokens() {
        ivanti.expireTokens();
        focus.expireTokens();
        qargo.master().revokeTokens();
        qargo.local().revokeTokens();
    }

    /** One round of remote changes: cases touched, added and removed, a Focus row changed, some Qargo unavailabilities. */
    void change() {
        List<Long> ids = intempus.ids();
        for (int i = 0; i < 3 && !ids.isEmpty(); i++) {
            intempus.touch(ids.get(random.nextInt(ids.size())));
        }
        intempus.generate(1);
        if (ids.size() > 150) {
            intempus.delete(ids.get(random.nextInt(ids.size())));
        }
        List<ObjectNode> rows = focus.rows(RESOURCE);
        if (rows.size() > 60) {
            focus.delete(RESOURCE, rows.get(random.nextInt(rows.size())));
        } else {
            focus.randomChange(RESOURCE);
        }
        qargo.churn(random, 0.05, year);
    }

    /** Cases whose local copy is missing, stale or extra (empty: equal). */
    List<String> casesDiffering(MongoDatabase db) {
        Map<Long, Long> local = new HashMap<>();
        for (Document doc : db.getCollection("cases").find()) {
            local.put(((Number) doc.get("_id")).longValue(), ((Number) doc.get("logical_timestamp")).longValue());
        }
        List<String> differing = new ArrayList<>();
        Map<Long, Long> remote = intempus.timestamps();
        remote.forEach((id, ts) -> {
            if (!ts.equals(local.get(id))) {
                differing.add("case " + id + " " + local.get(id) + "!=" + ts);
            }
        });
        local.keySet().stream().filter(id -> !remote.containsKey(id)).forEach(id -> differing.add("extra case " + id));
        return differing;
    }

    /** Focus rows whose local copy is missing, different or extra (empty: equal). */
    List<String> focusDiffering(MongoDatabase db) {
        Map<String, Document> local = new HashMap<>();
        for (Document doc : db.getCollection("focus_" + RESOURCE).find()) {
            local.put(String.valueOf(doc.get("_id")), doc);
        }
        List<String> differing = new ArrayList<>();
        List<ObjectNode> rows = focus.rows(RESOURCE);
        for (ObjectNode row : rows) {
            Document copy = local.get(row.path("id").asText());
            if (copy == null || !row.path("name").asText().equals(copy.getString("name"))
                    || row.path("discount").asDouble() != ((Number) copy.get("discount")).doubleValue()) {
                differing.add("row " + row.path("id").asText());
            }
        }
        if (local.size() != rows.size()) {
            differing.add("local rows " + local.size() + " != " + rows.size());
        }
        return differing;
    }

    /** Fleet resources whose local unavailabilities differ from the master's (empty: equal); resources pair up by seed order. */
    List<String> unavailabilitiesDiffering() {
        QargoEnvironment master = qargo.master();
        QargoEnvironment local = qargo.local();
        List<String> masterIds = master.fleetResourceIds();
        List<String> localIds = local.fleetResourceIds();
        List<String> differing = new ArrayList<>();
        for (int i = 0; i < masterIds.size(); i++) {
            if (!keys(master.unavailabilities(masterIds.get(i))).equals(keys(local.unavailabilities(localIds.get(i))))) {
                differing.add("resource " + i);
            }
        }
        return differing;
    }

    private static Map<String, Integer> keys(List<ObjectNode> unavailabilities) {
        Map<String, Integer> keys = new TreeMap<>();
        for (JsonNode u : unavailabilities) {
            String key = instant(u, "start_time") + "|" + instant(u, "end_time") + "|" + u.path("reason").asText()
                    + "|" + u.path("description").asText();
            keys.merge(key, 1, Integer::sum);
        }
        return keys;
    }

    private static Object instant(JsonNode node, String field) {
        return node.hasNonNull(field) ? OffsetDateTime.parse(node.get(field).asText()).toInstant() : null;
    }

    int unavailabilityCount() {
        return qargo.master().unavailabilityCount();
    }

    void clearFaults() {
        proxies.forEach(FaultProxy::clear);
    }

    @Override
    public void close() {
        proxies.forEach(FaultProxy::close);
        for (AutoCloseable simulator : new AutoCloseable[] {ivanti, intempus, focus, qargo}) {
            try {
                Objects.requireNonNull(simulator).close();
            } catch (Exception e) {
                // closing anyway
            }
        }
    }
}
