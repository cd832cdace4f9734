package io.syncroutes.cases;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.http.HttpResponse;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import static io.syncroutes.Fixtures.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/** The local /case API over HTTP: every endpoint's success and error paths, checked in MongoDB and in the Intempus simulator. */
class CasesApiTest extends CasesTestSupport {

    private static final String NEW_CASE = """
            {"customer": "/web/v1/customer/6666940/", "number": "7", "name": "Example 7", "notes": "these are my notes", "active": false}""";

    @Test
    void createStoresIntempusAnswer() throws Exception {
        HttpResponse<String> created = call("POST", url("/case"), NEW_CASE);

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(created.headers().firstValue("Authorization")).as("no Intempus request header leaks into the reply").isEmpty();
        JsonNode body = JSON.readTree(created.body());
        long id = body.get("id").asLong();
        assertThat(intempus().get(id).get("name").asText()).isEqualTo("Example 7");
        assertThat(body).isEqualTo(normal(intempus().get(id)));
        Document local = local(id);
        assertThat(local.get("logical_timestamp")).isInstanceOf(Long.class).isEqualTo(intempus().get(id).get("logical_timestamp").asLong());
        assertThat(local.getString("resource_uri")).isEqualTo("/web/v1/case/" + id + "/");

        HttpResponse<String> read = call("GET", url("/case/" + id), null);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(read.body())).isEqualTo(body);
    }

    @Test
    void invalidBodiesAre422InTheReferenceShapeAndNothingReachesIntempus() throws Exception {
        long before = intempus().requests();
        HttpResponse<String> missing = call("POST", url("/case"), "{\"customer\": \"/web/v1/customer/6666940/\", \"number\": \"8\"}");
        HttpResponse<String> unknown = call("POST", url("/case"), NEW_CASE.replace("\"active\"", "\"colour\": \"red\", \"active\""));
        HttpResponse<String> notJson = call("POST", url("/case"), "{not json");
        long existing = intempus().generate(1).get(0);
        sync();
        HttpResponse<String> badUpdate = call("PUT", url("/case/" + existing), "{\"active\": \"yes\"}");

        for (HttpResponse<String> response : List.of(missing, unknown, notJson, badUpdate)) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
            JsonNode detail = JSON.readTree(response.body()).get("detail");
            assertThat(detail.get("version").asText()).isEqualTo("1.0.0");
            assertThat(detail.get("title").asText()).isNotBlank();
            assertThat(detail.get("detail").asText()).isNotBlank();
            assertThat(detail.get("error_messages").isArray()).isTrue();
            assertThat(detail.get("error_messages")).isNotEmpty();
        }
        assertThat(JSON.readTree(missing.body()).at("/detail/error_messages").toString()).contains("name");
        assertThat(JSON.readTree(unknown.body()).at("/detail/error_messages").toString()).contains("colour");
        assertThat(JSON.readTree(badUpdate.body()).at("/detail/error_messages").toString()).contains("active");
        // only the sync's page request reached Intempus
        assertThat(intempus().requests() - before).isEqualTo(1);
        assertThat(cases().countDocuments()).isEqualTo(1);
    }

    @Test
    void listPagesAndGetReadMongoDb() throws Exception {
        List<Long> ids = intempus().generate(12);
        sync();

        HttpResponse<String> firstPage = call("GET", url("/case?limit=5"), null);
        assertThat(firstPage.statusCode()).as(firstPage.body()).isEqualTo(200);
        JsonNode first = JSON.readTree(firstPage.body());
        assertThat(first.at("/meta/total_count").asLong()).as(firstPage.body()).isEqualTo(12);
        assertThat(first.at("/meta/next").asText()).isEqualTo("/case?limit=5&offset=5");
        assertThat(first.at("/meta/previous").isNull()).isTrue();
        assertThat(first.get("objects")).hasSize(5);
        assertThat(first.at("/objects/0/id").asLong()).isEqualTo(ids.get(0));
        JsonNode last = JSON.readTree(call("GET", url("/case?limit=5&offset=10"), null).body());
        assertThat(last.get("objects")).hasSize(2);
        assertThat(last.at("/meta/next").isNull()).isTrue();
        assertThat(last.at("/objects/1/id").asLong()).isEqualTo(ids.get(11));
        assertThat(last.at("/objects/1")).isEqualTo(normal(intempus().get(ids.get(11))));

        assertThat(call("GET", url("/case?limit=abc"), null).statusCode()).isEqualTo(422);
        HttpResponse<String> missing = call("GET", url("/case/123"), null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(missing.body()).at("/detail/version").asText()).isEqualTo("1.0.0");
    }

    @Test
    void updateWritesIntempusFirstAndAnswers201() throws Exception {
        long id = intempus().generate(1).get(0);
        sync();
        long before = local(id).getLong("logical_timestamp");

        HttpResponse<String> updated = call("PUT", url("/case/" + id), "{\"name\": \"Renamed\", \"notes\": \"via the API\"}");

        assertThat(updated.statusCode()).isEqualTo(201);
        assertThat(intempus().get(id).get("name").asText()).isEqualTo("Renamed");
        assertThat(local(id).getString("name")).isEqualTo("Renamed");
        assertThat(local(id).getLong("logical_timestamp")).isGreaterThan(before).isEqualTo(intempus().get(id).get("logical_timestamp").asLong());
        assertThat(JSON.readTree(updated.body()).get("notes").asText()).isEqualTo("via the API");

        // Intempus accepts a change without returning the case: the API reads it back before storing it
        intempus().answerUpdatesWithoutBody(true);
        HttpResponse<String> readBack = call("PUT", url("/case/" + id), "{\"name\": \"Renamed again\"}");
        assertThat(readBack.statusCode()).isEqualTo(201);
        assertThat(JSON.readTree(readBack.body()).get("name").asText()).isEqualTo("Renamed again");
        assertThat(local(id).getString("name")).isEqualTo("Renamed again");
        assertThat(local(id).getLong("logical_timestamp")).isEqualTo(intempus().get(id).get("logical_timestamp").asLong());
        intempus().answerUpdatesWithoutBody(false);

        // Intempus does not have it: its 404 (empty body) passes through in the reference shape, nothing stored
        HttpResponse<String> unknown = call("PUT", url("/case/424242"), "{\"name\": \"x\"}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).at("/detail/error_messages/0").asText()).isEqualTo("Intempus answered 404 with an empty body");
        assertThat(local(424242)).isNull();
    }

    @Test
    void deleteRemovesBothAndIntempus404StillDeletesLocally() {
        List<Long> ids = intempus().generate(2);
        sync();

        HttpResponse<String> deleted = call("DELETE", url("/case/" + ids.get(0)), null);
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(deleted.body()).isEmpty();
        assertThat(intempus().get(ids.get(0))).isNull();
        assertThat(local(ids.get(0))).isNull();

        intempus().delete(ids.get(1));
        assertThat(call("DELETE", url("/case/" + ids.get(1)), null).statusCode()).isEqualTo(204);
        assertThat(local(ids.get(1))).isNull();
    }

    @Test
    void intempusErrorsPassThroughUnreachableIs503UnexpectedIs500() throws Exception {
        long id = intempus().generate(1).get(0);
        sync();

        intempus().fail("/case/", 500, null, 1);
        HttpResponse<String> serverError = call("POST", url("/case"), NEW_CASE);
        assertThat(serverError.statusCode()).isEqualTo(500);
        assertThat(JSON.readTree(serverError.body()).at("/detail/version").asText()).isEqualTo("1.0.0");

        // Intempus answers 200 without a case: unexpected -> 500 {"error": {...}}, no stack trace
        intempus().fail("/case/" + id, 200, null, 1);
        HttpResponse<String> odd = call("PUT", url("/case/" + id), "{\"name\": \"x\"}");
        assertThat(odd.statusCode()).isEqualTo(500);
        JsonNode error = JSON.readTree(odd.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo("internal_error");
        assertThat(error.get("detail").asText()).doesNotContain("Exception").doesNotContain("\tat ");

        intempus().close();
        HttpResponse<String> down = call("POST", url("/case"), NEW_CASE);
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(down.body()).at("/detail/title").asText()).isEqualTo("Intempus unavailable");
        assertThat(call("DELETE", url("/case/" + id), null).statusCode()).isEqualTo(503);
        assertThat(local(id)).as("nothing changed locally while Intempus is down").isNotNull();
        assertThat(cases().countDocuments()).isEqualTo(1);
    }

    @Test
    void openApiDocumentIsGeneratedFromTheRestDsl() throws Exception {
        HttpResponse<String> doc = call("GET", url("/api-doc"), null);
        assertThat(doc.statusCode()).isEqualTo(200);
        JsonNode api = JSON.readTree(doc.body());
        assertThat(api.get("openapi").asText()).startsWith("3.");
        assertThat(api.at("/paths/~1case/get")).isNotNull();
        assertThat(api.at("/paths/~1case/post").isMissingNode()).isFalse();
        assertThat(api.at("/paths/~1case~1{id}/put").isMissingNode()).isFalse();
        assertThat(api.at("/paths/~1case~1{id}/delete").isMissingNode()).isFalse();
        // a request that fails validation is 422, as the reference service answers it
        assertThat(api.at("/paths/~1case/post/responses/422").isMissingNode()).isFalse();
        assertThat(api.at("/paths/~1case~1{id}/put/responses/422").isMissingNode()).isFalse();
        assertThat(api.at("/paths/~1case/get/responses/422").isMissingNode()).isFalse();
        assertThat(api.at("/paths/~1case~1{id}/put/responses/400").isMissingNode()).isTrue();
    }

    @Test
    void withoutCredentialsConfiguredOnlyLoopbackClientsGetTheApi() throws Exception {
        Optional<InetAddress> external = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .filter(ni -> { try { return ni.isUp() && !ni.isLoopback(); } catch (Exception e) { return false; } })
                .flatMap(ni -> Collections.list(ni.getInetAddresses()).stream())
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress()).findFirst();
        assumeThat(external).as("a non-loopback address to call from").isPresent();
        String base = "http://" + external.get().getHostAddress() + ":" + httpPort();

        assertThat(call("GET", base + "/case", null).statusCode()).isEqualTo(403);
        assertThat(call("POST", base + "/case", NEW_CASE).statusCode()).isEqualTo(403);
        assertThat(intempus().size()).as("nothing created").isZero();
        assertThat(call("GET", base + "/observe/health", null).statusCode()).as("health stays open").isNotIn(401, 403);
    }

    /** The JSON as a client reads it (numbers in their smallest Jackson type), for comparing with what the simulator holds. */
    private static JsonNode normal(ObjectNode node) throws Exception {
        return JSON.readTree(node.toString());
    }
}
