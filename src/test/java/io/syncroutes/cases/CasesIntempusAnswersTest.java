package io.syncroutes.cases;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncroutes.LogCapture;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.List;

import static io.syncroutes.Fixtures.JSON;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the flow sends Intempus (seen on the wire by the simulator) and how the sync and the /case API cope with
 * answers they cannot use: empty-body 404s, non-JSON error pages, a success that is not JSON. Each is reported with
 * its reason in one line, no stack trace.
 */
class CasesIntempusAnswersTest extends CasesTestSupport {

    /** A proxy's error page, longer than the 200 characters a reason shows. */
    private static final String BAD_GATEWAY_PAGE = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1>"
            + "</center><hr><center>nginx</center>" + "<!-- padding -->".repeat(20) + "</body></html>";
    private static final String NEW_CASE = "{\"customer\": \"/web/v1/customer/6666940/\", \"number\": \"9\", \"name\": \"Example 9\"}";

    @RegisterExtension
    final LogCapture log = new LogCapture();

    @Test
    void everyRequestOfTheFlowUsesTheSlashedPaths() throws Exception {
        List<Long> ids = intempus().generate(12);
        sync();
        long created = JSON.readTree(call("POST", url("/case"), NEW_CASE).body()).get("id").asLong();
        assertThat(call("PUT", url("/case/" + ids.get(0)), "{\"name\": \"Renamed\"}").statusCode()).isEqualTo(201);
        intempus().answerUpdatesWithoutBody(true);
        assertThat(call("PUT", url("/case/" + ids.get(1)), "{\"name\": \"Read back\"}").statusCode()).isEqualTo(201);
        assertThat(call("DELETE", url("/case/" + created), null).statusCode()).isEqualTo(204);

        List<String> wire = intempus().requestLog().stream().map(r -> r.replaceAll(" @\\d+$", "")).toList();
        assertThat(wire).containsExactly(
                "GET /web/v1/case/?limit=10&offset=0",
                "GET /web/v1/case/?limit=10&offset=10",
                "POST /web/v1/case/",
                "PUT /web/v1/case/" + ids.get(0) + "/",
                "PUT /web/v1/case/" + ids.get(1) + "/",
                "GET /web/v1/case/" + ids.get(1) + "/",
                "DELETE /web/v1/case/" + created + "/");
        assertThat(local(ids.get(1)).getString("name")).isEqualTo("Read back");
    }

    @Test
    void aPageAnsweredWithAnEmpty404EndsTheRunWithThatReason() {
        intempus().generate(3);
        intempus().fail("offset=0", 404, null, 1, "");

        sync();

        assertThat(flow().getRecentErrors().get("sync")).contains("cases full sync failed at offset 0")
                .contains("Intempus answered 404 to " + intempus().url() + "/case/?limit=10&offset=0 with an empty body")
                .contains("sync state unchanged");
        assertThat(intempus().requests()).as("a 404 is not retried").isEqualTo(1);
        assertThat(cases().countDocuments()).isZero();
        assertNoStackTrace();
    }

    @Test
    void aProxyErrorPageIsRetriedThenReportedWithItsFirstCharacters() {
        intempus().generate(15);
        intempus().failWithPage("offset=10", 502, 100, BAD_GATEWAY_PAGE);

        sync();

        String error = flow().getRecentErrors().get("sync");
        assertThat(error).contains("failed at offset 10 after 1 page(s)")
                .contains("Intempus answered 502 to " + intempus().url() + "/case/?limit=10&offset=10 with a non-JSON body: "
                        + BAD_GATEWAY_PAGE.substring(0, 200) + "...;");
        assertThat(intempus().requestLog().stream().filter(r -> r.contains("offset=10"))).as("retried as a 502 is").hasSize(4);
        assertThat(syncState().countDocuments()).as("no state saved by a failed run").isZero();
        assertNoStackTrace();
    }

    @Test
    void aSuccessThatIsNotAPageIsReportedAndNotRetried() {
        intempus().generate(3);
        intempus().failWithPage("offset=0", 200, 1, "<html><body>Down for maintenance</body></html>");

        sync();

        assertThat(flow().getRecentErrors().get("sync")).contains("cases full sync failed at offset 0")
                .contains("no page of cases: Intempus answered 200 with a non-JSON body: <html><body>Down for maintenance</body></html>");
        assertThat(intempus().requests()).as("not retried").isEqualTo(1);

        intempus().fail("offset=0", 200, null, 1, "");
        sync();
        assertThat(flow().getRecentErrors().get("sync")).contains("no page of cases: Intempus answered 200 with an empty body");

        intempus().fail("offset=0", 200, null, 1, "{\"objects\": []}");
        sync();
        assertThat(flow().getRecentErrors().get("sync"))
                .contains("no page of cases: Intempus answered 200 with JSON without meta/objects: {\"objects\": []}");
        assertThat(cases().countDocuments()).isZero();

        sync();
        assertThat(cases().countDocuments()).as("the next run starts from the same point and succeeds").isEqualTo(3);
        assertNoStackTrace();
    }

    @Test
    void apiWritesOfACaseIntempusNoLongerHas() throws Exception {
        List<Long> ids = intempus().generate(2);
        sync();
        intempus().delete(ids.get(0));
        intempus().delete(ids.get(1));

        // PUT: Intempus' empty 404 passes through with the reason; the local copy stays until a full sync removes it
        HttpResponse<String> put = call("PUT", url("/case/" + ids.get(0)), "{\"name\": \"x\"}");
        assertThat(put.statusCode()).isEqualTo(404);
        JsonNode detail = JSON.readTree(put.body()).get("detail");
        assertThat(detail.get("detail").asText()).isEqualTo("Intempus answered 404 with an empty body");
        assertThat(detail.get("error_messages")).hasSize(1);
        assertThat(detail.at("/error_messages/0").asText()).isEqualTo("Intempus answered 404 with an empty body");
        assertThat(local(ids.get(0)).getString("name")).isNotEqualTo("x");

        // DELETE: Intempus' empty 404 means it is gone already; the local copy goes too
        HttpResponse<String> delete = call("DELETE", url("/case/" + ids.get(1)), null);
        assertThat(delete.statusCode()).isEqualTo(204);
        assertThat(local(ids.get(1))).isNull();

        // the read-back after a change Intempus answered without the case: the case is gone meanwhile (empty 404)
        long id = intempus().generate(1).get(0);
        sync();
        intempus().answerUpdatesWithoutBody(true);
        intempus().fail("GET /web/v1/case/" + id + "/", 404, null, 1, "");
        HttpResponse<String> readBack = call("PUT", url("/case/" + id), "{\"name\": \"y\"}");
        assertThat(readBack.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(readBack.body()).at("/detail/detail").asText()).isEqualTo("Intempus answered 404 with an empty body");
        assertNoStackTrace();
    }

    @Test
    void apiWritesAnsweredWithPagesThatAreNotJson() throws Exception {
        intempus().failWithPage("POST /web/v1/case/", 502, 1, BAD_GATEWAY_PAGE);
        HttpResponse<String> gateway = call("POST", url("/case"), NEW_CASE);
        assertThat(gateway.statusCode()).isEqualTo(502);
        JsonNode detail = JSON.readTree(gateway.body()).get("detail");
        assertThat(detail.get("version").asText()).isEqualTo("1.0.0");
        assertThat(detail.get("detail").asText())
                .isEqualTo("Intempus answered 502 with a non-JSON body: " + BAD_GATEWAY_PAGE.substring(0, 200) + "...");
        assertThat(intempus().size()).isZero();

        // a success that is not a case: 500 to the client with a reference; the log line says what Intempus sent
        intempus().failWithPage("POST /web/v1/case/", 200, 1, "<html>OK</html>");
        HttpResponse<String> odd = call("POST", url("/case"), NEW_CASE);
        assertThat(odd.statusCode()).isEqualTo(500);
        assertThat(JSON.readTree(odd.body()).at("/error/code").asText()).isEqualTo("internal_error");
        assertThat(log.text()).contains("no case (id, logical_timestamp) in the answer to a write: Intempus answered 200 with a non-JSON body: <html>OK</html>");
        assertThat(cases().countDocuments()).isZero();
        assertNoStackTrace();
    }

    @Test
    void invalidRequestsAre422AndNothingReachesIntempus() throws Exception {
        long id = intempus().generate(1).get(0);
        sync();
        long before = intempus().requests();

        for (HttpResponse<String> response : List.of(
                call("POST", url("/case"), "{\"customer\": \"/web/v1/customer/6666940/\"}"),
                call("POST", url("/case"), "[]"),
                call("PUT", url("/case/" + id), "{\"active\": \"yes\"}"),
                call("PUT", url("/case/abc"), "{\"name\": \"x\"}"),
                call("DELETE", url("/case/abc"), null),
                call("GET", url("/case/abc"), null),
                call("GET", url("/case?limit=0"), null))) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
            JsonNode detail = JSON.readTree(response.body()).get("detail");
            assertThat(detail.get("title").asText()).startsWith("Invalid request");
            assertThat(detail.get("error_messages")).isNotEmpty();
        }
        assertThat(intempus().requests()).isEqualTo(before);
        assertThat(local(id)).isNotNull();
        assertThat(cases().find(new Document("name", "x")).first()).isNull();
    }

    private void assertNoStackTrace() {
        assertThat(log.text()).doesNotContain("\tat ").doesNotContain("Exception:");
    }
}
