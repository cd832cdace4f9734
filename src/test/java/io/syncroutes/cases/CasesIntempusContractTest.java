package io.syncroutes.cases;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncroutes.Fixtures;
import io.syncroutes.simulators.IntempusSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;

import static io.syncroutes.Fixtures.JSON;
import static io.syncroutes.cases.CasesTestSupport.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Intempus simulator over real HTTP, held to the real API (Django + tastypie): it accepts the requests the
 * reference client (Bentebent/intempus-test) sends, exactly as that client forms them, and refuses what the real
 * server refuses.
 */
class CasesIntempusContractTest {

    private static final String USER = "reference-user";
    private static final String KEY = "reference-api-key-42";
    /** As the reference client writes it: lower-case scheme. */
    private static final String REFERENCE_AUTH = "apikey " + USER + ":" + KEY;

    private IntempusSimulator intempus;
    private String base;

    @BeforeEach
    void start() throws Exception {
        intempus = new IntempusSimulator(USER, KEY, Duration.ZERO);
        intempus.start("127.0.0.1", 0);
        base = intempus.url();
    }

    @AfterEach
    void stop() {
        intempus.close();
    }

    @Test
    void theReferenceClientsRequestsAreAcceptedAsItSendsThem() throws Exception {
        intempus.generate(3);

        // list: GET {uri}/case/ with limit and offset, the JSON content type on every call
        HttpResponse<String> page = call("GET", base + "/case/?limit=1000&offset=0", null, "Authorization", REFERENCE_AUTH,
                "Content-Type", "application/json");
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(JSON.readTree(page.body()).at("/meta/total_count").asLong()).isEqualTo(3);
        assertThat(JSON.readTree(page.body()).get("objects")).hasSize(3);

        // create: POST {uri}/case/ with the whole DTO, nulls included (the reference payload)
        String payload = Fixtures.text(CasesTestSupport.REF + "iamlgh_payload_add.json");
        HttpResponse<String> created = call("POST", base + "/case/", payload, "Authorization", REFERENCE_AUTH);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode createdCase = JSON.readTree(created.body());
        long id = createdCase.get("id").asLong();
        assertThat(createdCase.get("name").asText()).isEqualTo("Example 7");
        assertThat(createdCase.get("resource_uri").asText()).isEqualTo("/web/v1/case/" + id + "/");

        // update: PUT {uri}/case/{id}/ with the fields that are set
        HttpResponse<String> updated = call("PUT", base + "/case/" + id + "/", "{\"name\": \"Renamed\"}", "Authorization", REFERENCE_AUTH);
        assertThat(updated.statusCode()).isEqualTo(200);
        assertThat(intempus.get(id).get("name").asText()).isEqualTo("Renamed");

        // the documented scheme spelling, and tastypie's query-parameter credentials, are accepted as well
        assertThat(call("GET", base + "/case/" + id + "/", null, "Authorization", "ApiKey " + USER + ":" + KEY).statusCode()).isEqualTo(200);
        assertThat(call("GET", base + "/case/" + id + "/", null, "Authorization", "APIKEY " + USER + ":" + KEY).statusCode()).isEqualTo(200);
        assertThat(call("GET", base + "/case/?username=" + USER + "&api_key=" + KEY, null).statusCode()).isEqualTo(200);

        // delete: DELETE {uri}/case/{id}/ -> 204 without a body; then the case is an empty 404
        HttpResponse<String> deleted = call("DELETE", base + "/case/" + id + "/", null, "Authorization", REFERENCE_AUTH);
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(deleted.body()).isEmpty();
        for (String method : new String[] {"GET", "PUT", "DELETE"}) {
            HttpResponse<String> missing = call(method, base + "/case/" + id + "/", "PUT".equals(method) ? "{\"name\": \"x\"}" : null,
                    "Authorization", REFERENCE_AUTH);
            assertThat(missing.statusCode()).as(method).isEqualTo(404);
            assertThat(missing.body()).as(method + ": a missing case is an empty 404").isEmpty();
        }
    }

    @Test
    void pathsWithoutTheSlashAreRedirectedAndNoWriteLands() throws Exception {
        long id = intempus.generate(1).get(0);
        ObjectNode before = intempus.get(id);
        long requestsBefore = intempus.requests();

        HttpResponse<String> list = call("GET", base + "/case?limit=5&offset=0", null, "Authorization", REFERENCE_AUTH);
        assertThat(list.statusCode()).isEqualTo(301);
        assertThat(list.headers().firstValue("Location")).hasValue("/web/v1/case/?limit=5&offset=0");
        assertThat(list.body()).isEmpty();
        HttpResponse<String> one = call("GET", base + "/case/" + id, null, "Authorization", REFERENCE_AUTH);
        assertThat(one.statusCode()).isEqualTo(301);
        assertThat(one.headers().firstValue("Location")).hasValue("/web/v1/case/" + id + "/");

        assertThat(call("POST", base + "/case", Fixtures.text(CasesTestSupport.REF + "iamlgh_payload_add.json"),
                "Authorization", REFERENCE_AUTH).statusCode()).isEqualTo(301);
        assertThat(call("PUT", base + "/case/" + id, "{\"name\": \"Renamed\"}", "Authorization", REFERENCE_AUTH).statusCode()).isEqualTo(301);
        assertThat(call("DELETE", base + "/case/" + id, null, "Authorization", REFERENCE_AUTH).statusCode()).isEqualTo(301);
        assertThat(intempus.size()).as("nothing created, nothing deleted").isEqualTo(1);
        assertThat(intempus.get(id)).as("nothing changed").isEqualTo(before);
        assertThat(intempus.requests() - requestsBefore).isEqualTo(5);

        // a path that does not resolve even with the slash: Django's HTML 404 page
        HttpResponse<String> unknown = call("GET", base + "/cases/", null, "Authorization", REFERENCE_AUTH);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(unknown.body()).contains("<h1>Not Found</h1>");
    }

    @Test
    void wrongOrMissingCredentialsAreAnEmpty401() {
        intempus.generate(1);
        String list = base + "/case/?limit=10&offset=0";

        String[][] refused = {
                {"Authorization", "apikey " + USER + ":wrong-key"},
                {"Authorization", "ApiKey someone-else:" + KEY},
                {"Authorization", "Bearer " + USER + ":" + KEY},
                {"Authorization", "ApiKey" + USER + ":" + KEY},
                {"Authorization", "ApiKey " + KEY},
                {"X-Api-Key", KEY},
        };
        for (String[] header : refused) {
            HttpResponse<String> response = call("GET", list, null, header);
            assertThat(response.statusCode()).as(String.join(": ", header)).isEqualTo(401);
            assertThat(response.body()).as(String.join(": ", header)).isEmpty();
        }
        assertThat(call("GET", base + "/case/?username=" + USER + "&api_key=wrong", null).statusCode()).isEqualTo(401);
    }
}
