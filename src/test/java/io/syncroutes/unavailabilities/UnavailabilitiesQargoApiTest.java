package io.syncroutes.unavailabilities;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncroutes.Http;
import io.syncroutes.simulators.QargoSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.syncroutes.unavailabilities.UnavailabilitiesTestSupport.unavailability;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Qargo simulator speaks the real API over real HTTP: one token endpoint and one host for both environments,
 * each chosen by the credentials whose token a call carries; the request forms Qargo's clients send are accepted
 * (datetimes with a space or T, Z or an offset, as the reference client encodes them; a cursor sent with its
 * filters), and what Qargo's FastAPI service refuses is refused with its status and error shape.
 */
class UnavailabilitiesQargoApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final QargoSimulator qargo = new QargoSimulator("master-client", "master-secret", "local-client", "local-secret");
    private String masterToken;
    private String localToken;

    @BeforeEach
    void start() throws Exception {
        qargo.start("127.0.0.1", 0);
        masterToken = token("master-client", "master-secret");
        localToken = token("local-client", "local-secret");
    }

    @AfterEach
    void stop() {
        qargo.close();
    }

    @Test
    void oneTokenEndpointTellsTheEnvironmentsApartByTheirCredentials() throws Exception {
        String masterDriver = qargo.master().addFleetResource("Master driver", "DRIVER", Map.of(), null);
        String localDriver = qargo.local().addFleetResource("Local driver", "DRIVER", Map.of(), null);

        assertThat(qargo.master().tokenRequests()).isEqualTo(1);
        assertThat(qargo.local().tokenRequests()).isEqualTo(1);
        assertThat(Http.post(qargo.authUrl(), "", "Authorization", Http.basic("master-client", "local-secret")).statusCode()).isEqualTo(401);
        assertThat(Http.post(qargo.authUrl(), "", "Authorization", Http.basic("someone", "master-secret")).statusCode()).isEqualTo(401);
        assertThat(Http.post(qargo.authUrl(), "").statusCode()).isEqualTo(401);
        assertThat(qargo.unauthenticated()).isEqualTo(3);

        assertThat(names(get("/resources/resource", masterToken))).containsExactly("Master driver");
        assertThat(names(get("/resources/resource", localToken))).containsExactly("Local driver");
        // each token acts on its own environment only
        assertThat(get("/resources/resource/" + localDriver + "/unavailability", masterToken).statusCode()).isEqualTo(404);
        assertThat(get("/resources/resource/" + masterDriver + "/unavailability", masterToken).statusCode()).isEqualTo(200);
        assertThat(get("/resources/resource", "not-a-token").statusCode()).isEqualTo(401);
        qargo.local().revokeTokens();
        assertThat(get("/resources/resource", localToken).statusCode()).isEqualTo(401);
        assertThat(get("/resources/resource", masterToken).statusCode()).isEqualTo(200);
    }

    @Test
    void theDatetimeFormsQargosClientsSendAreAccepted() throws Exception {
        String driver = qargo.local().addFleetResource("Driver", "DRIVER", Map.of(), null);
        qargo.local().putUnavailability(driver, unavailability(null, "2024-12-01T00:00:00Z", "2024-12-05T00:00:00Z", "DRIVER_OTHER", "before", null));
        qargo.local().putUnavailability(driver, unavailability(null, "2025-01-05T00:00:00Z", "2025-01-05T11:00:00Z", "DRIVER_OTHER", "morning", null));
        qargo.local().putUnavailability(driver, unavailability(null, "2025-03-01T00:00:00Z", null, "DRIVER_SICKNESS", "open", null));
        String list = "/resources/resource/" + driver + "/unavailability?start_time=";

        // 2025-01-01 00:00 UTC written every way a FastAPI datetime query parameter takes it
        for (String form : List.of(
                "2025-01-01+00%3A00%3A00%2B00%3A00", // Python requests' encoding of str(datetime): "2025-01-01 00:00:00+00:00"
                "2025-01-01%2000:00:00%2B00:00", "2025-01-01T00:00:00Z", "2025-01-01T00:00:00z", "2025-01-01T00:00:00.000000Z",
                "2025-01-01T01:00:00%2B01:00", "2025-01-01T01:00:00%2B0100", "2024-12-31T19:00:00-05:00",
                "2025-01-01T00:00", "2025-01-01T00:00:00", "2025-01-01", "1735689600")) {
            HttpResponse<String> page = get(list + form, localToken);
            assertThat(page.statusCode()).as(form + ": " + page.body()).isEqualTo(200);
            assertThat(descriptions(page)).as(form).containsExactly("morning", "open");
        }
        // the offset is applied: 12:00+02:00 is 10:00 UTC, before the morning one ends (11:00 UTC)
        assertThat(descriptions(get(list + "2025-01-05T12:00:00%2B02:00", localToken))).containsExactly("morning", "open");
        assertThat(descriptions(get(list + "2025-01-05T12:00:00Z", localToken))).containsExactly("open");
        assertThat(descriptions(get(list + "2025-01-01T00:00:00Z&end_time=2025-02-01+00:00:00%2B00:00", localToken))).containsExactly("morning");
    }

    @Test
    void datetimesAStrictServerRefusesAreAnswered422AsFastApiAnswers() throws Exception {
        String driver = qargo.local().addFleetResource("Driver", "DRIVER", Map.of(), null);
        String list = "/resources/resource/" + driver + "/unavailability";

        // a "+" left unencoded is a space to the server: "2025-01-01T00:00:00 00:00" is no datetime
        for (String[] refused : List.of(new String[] {"start_time", "2025-01-01T00:00:00+00:00", "2025-01-01T00:00:00 00:00"},
                new String[] {"start_time", "yesterday", "yesterday"}, new String[] {"start_time", "2025-13-01T00:00:00Z", "2025-13-01T00:00:00Z"},
                new String[] {"start_time", "2025-01-01T00:00:00%2B02", "2025-01-01T00:00:00+02"},
                new String[] {"end_time", "01/02/2025", "01/02/2025"})) {
            HttpResponse<String> answer = get(list + "?" + refused[0] + "=" + refused[1], localToken);
            assertThat(answer.statusCode()).as(refused[1]).isEqualTo(422);
            JsonNode detail = JSON.readTree(answer.body()).get("detail").get(0);
            assertThat(detail.get("type").asText()).isEqualTo("datetime_from_date_parsing");
            assertThat(detail.get("loc").toString()).isEqualTo("[\"query\",\"" + refused[0] + "\"]");
            assertThat(detail.get("msg").asText()).startsWith("Input should be a valid datetime or date, ");
            assertThat(detail.get("input").asText()).isEqualTo(refused[2]);
        }
        HttpResponse<String> notUuid = get("/resources/resource/driver-1/unavailability", localToken);
        assertThat(notUuid.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(notUuid.body()).at("/detail/0/loc").toString()).isEqualTo("[\"path\",\"resource_id\"]");
        assertThat(JSON.readTree(notUuid.body()).at("/detail/0/type").asText()).isEqualTo("uuid_parsing");
    }

    @Test
    void aCursorContinuesItsQueryWithOrWithoutItsFiltersAndIsRefusedForAnotherQuery() throws Exception {
        qargo.local().pageSizes(1, 2);
        String driver = qargo.local().addFleetResource("Driver", "DRIVER", Map.of(), null);
        String other = qargo.local().addFleetResource("Other", "DRIVER", Map.of(), null);
        qargo.local().putUnavailability(driver, unavailability(null, "2024-06-01T00:00:00Z", "2024-06-02T00:00:00Z", "DRIVER_OTHER", "old", null));
        for (int i = 1; i <= 5; i++) {
            qargo.local().putUnavailability(driver, unavailability(null, "2025-0" + i + "-01T00:00:00Z", "2025-0" + i + "-02T00:00:00Z",
                    "DRIVER_HOLIDAY", "u" + i, null));
        }
        String list = "/resources/resource/" + driver + "/unavailability";
        String filter = "start_time=2025-01-01+00%3A00%3A00%2B00%3A00";

        List<String> withFilters = pages(list, filter, true);
        List<String> cursorAlone = pages(list, filter, false);
        assertThat(withFilters).containsExactly("u1", "u2", "u3", "u4", "u5");
        assertThat(cursorAlone).isEqualTo(withFilters);

        String cursor = JSON.readTree(get(list + "?" + filter, localToken).body()).get("next_cursor").asText();
        // the same instant written another way is the same filter
        assertThat(descriptions(get(list + "?start_time=2025-01-01T00:00:00Z&cursor=" + cursor, localToken))).containsExactly("u3", "u4");
        for (String refused : List.of("start_time=2025-02-01T00:00:00Z&cursor=" + cursor, // other filters
                filter + "&end_time=2025-12-31T00:00:00Z&cursor=" + cursor, // a filter the cursor's query did not have
                "cursor=not-a-cursor")) {
            HttpResponse<String> answer = get(list + "?" + refused, localToken);
            assertThat(answer.statusCode()).as(refused).isEqualTo(400);
            JsonNode body = JSON.readTree(answer.body());
            assertThat(body.get("message").asText()).isNotBlank();
            assertThat(body.at("/errors/0/field").asText()).isEqualTo("cursor");
        }
        // a cursor of another list: another resource's, the resource list, another environment's
        assertThat(get("/resources/resource/" + other + "/unavailability?cursor=" + cursor, localToken).statusCode()).isEqualTo(400);
        String resourceCursor = JSON.readTree(get("/resources/resource", localToken).body()).get("next_cursor").asText();
        assertThat(get(list + "?cursor=" + resourceCursor, localToken).statusCode()).isEqualTo(400);
        assertThat(get("/resources/resource?cursor=" + resourceCursor, masterToken).statusCode()).isEqualTo(400);
        assertThat(get("/resources/resource?cursor=" + resourceCursor, localToken).statusCode()).isEqualTo(200);
    }

    @Test
    void bodiesAreReadAsQargoReadsThemAndRefusedWithFastApisDetail() throws Exception {
        String driver = qargo.local().addFleetResource("Driver", "DRIVER", Map.of(), null);
        String list = "/resources/resource/" + driver + "/unavailability";

        HttpResponse<String> created = send("POST", list, "{\"start_time\": \"2025-01-08 08:00:00+02:00\", \"end_time\": null, "
                + "\"reason\": \"VEHICLE_REPAIR\", \"description\": null, \"external_id\": \"m-1\", \"unknown\": 1}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        JsonNode stored = JSON.readTree(created.body());
        assertThat(stored.get("start_time").asText()).as("kept in UTC").isEqualTo("2025-01-08T06:00:00Z");
        assertThat(stored.get("end_time").isNull()).isTrue();
        assertThat(stored.has("unknown")).isFalse();
        String id = stored.get("id").asText();

        assertRefused(send("POST", list, "{\"reason\": \"DRIVER_OTHER\"}"), "missing", "[\"body\",\"start_time\"]");
        assertRefused(send("POST", list, "{\"start_time\": \"2025-01-08T00:00:00Z\", \"reason\": \"ON_A_BEACH\"}"), "enum", "[\"body\",\"reason\"]");
        assertRefused(send("PUT", list + "/" + id, "{\"start_time\": \"8 January\", \"reason\": \"DRIVER_OTHER\"}"),
                "datetime_from_date_parsing", "[\"body\",\"start_time\"]");
        assertRefused(send("PUT", list + "/" + id, "{\"start_time\": "), "json_invalid", null);
        assertThat(JSON.readTree(get(list + "/" + id, localToken).body()).get("start_time").asText()).isEqualTo("2025-01-08T06:00:00Z");

        HttpResponse<String> updated = send("PUT", list + "/" + id, "{\"start_time\": \"2025-01-09T00:00:00Z\", \"reason\": \"DRIVER_OTHER\"}");
        assertThat(updated.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(updated.body()).get("id").asText()).isEqualTo(id);
        HttpResponse<String> deleted = send("DELETE", list + "/" + id, null);
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(deleted.body()).isEmpty();
        assertThat(qargo.local().unavailabilities(driver)).isEmpty();
        assertThat(qargo.local().writes()).isEqualTo(3);
    }

    @Test
    void resourcesCarryTheirVehicleFieldsNullRatherThanLeavingThemOut() throws Exception {
        qargo.local().addFleetResource("Driver", "DRIVER", Map.of("employeenumber", "E-1"), null);
        qargo.local().addFleetResource("Truck", "TRUCK", Map.of(), "1-ABC-123");
        qargo.local().addFleetResource("Van", "VAN", Map.of(), null);

        JsonNode items = JSON.readTree(get("/resources/resource", localToken).body()).get("items");

        assertThat(items).hasSize(3);
        for (String vehicle : List.of("truck", "van", "tractor")) {
            assertThat(items.get(0).has(vehicle) && items.get(0).get(vehicle).isNull()).as("driver " + vehicle).isTrue();
        }
        assertThat(items.get(1).at("/truck/license_plate").asText()).isEqualTo("1-ABC-123");
        assertThat(items.get(1).get("van").isNull()).isTrue();
        assertThat(items.get(2).at("/van/license_plate").isNull()).isTrue();
        assertThat(items.get(2).get("truck").isNull()).isTrue();
    }

    private void assertRefused(HttpResponse<String> answer, String type, String loc) throws IOException {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(422);
        JsonNode detail = JSON.readTree(answer.body()).get("detail").get(0);
        assertThat(detail.get("type").asText()).isEqualTo(type);
        if (loc != null) {
            assertThat(detail.get("loc").toString()).isEqualTo(loc);
        }
    }

    /** Every page's descriptions, the next pages asked for with the cursor and the filters again, or the cursor alone. */
    private List<String> pages(String list, String filters, boolean filtersAgain) throws IOException {
        List<String> seen = new ArrayList<>();
        String query = filters;
        while (true) {
            HttpResponse<String> page = get(list + "?" + query, localToken);
            assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
            seen.addAll(descriptions(page));
            JsonNode next = JSON.readTree(page.body()).get("next_cursor");
            if (next.isNull()) {
                return seen;
            }
            query = (filtersAgain ? filters + "&" : "") + "cursor=" + next.asText();
        }
    }

    private String token(String id, String secret) throws IOException {
        HttpResponse<String> answer = Http.post(qargo.authUrl(), "", "Authorization", Http.basic(id, secret));
        assertThat(answer.statusCode()).isEqualTo(200);
        return JSON.readTree(answer.body()).get("access_token").asText();
    }

    private HttpResponse<String> get(String path, String token) {
        return Http.get(qargo.apiUrl() + path, "Authorization", "Bearer " + token);
    }

    private HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(qargo.apiUrl() + path)).header("Authorization", "Bearer " + localToken)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> names(HttpResponse<String> page) throws IOException {
        List<String> names = new ArrayList<>();
        JSON.readTree(page.body()).get("items").forEach(item -> names.add(item.get("name").asText()));
        return names;
    }

    private static List<String> descriptions(HttpResponse<String> page) throws IOException {
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        List<String> descriptions = new ArrayList<>();
        JSON.readTree(page.body()).get("items").forEach(item -> descriptions.add(item.get("description").asText()));
        return descriptions;
    }
}
