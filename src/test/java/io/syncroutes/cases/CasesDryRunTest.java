package io.syncroutes.cases;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** CASES_DRY_RUN=true: a run plans its inserts, updates and deletes and writes nothing; the /case API refuses writes. */
class CasesDryRunTest extends CasesTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected Properties casesProperties() {
        Properties props = new Properties();
        props.put("intempus.dry-run", "true");
        return props;
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRunPlansAndWritesNothing() throws Exception {
        List<Long> ids = intempus().generate(5);
        // stored before: one older copy, one current copy, one case Intempus no longer has
        ObjectNode older = intempus().get(ids.get(0)).deepCopy();
        older.put(CasesStore.TIMESTAMP, older.get(CasesStore.TIMESTAMP).asLong() - 1).put("name", "older");
        cases().insertOne(CasesStore.toDocument(older));
        cases().insertOne(CasesStore.toDocument(intempus().get(ids.get(1))));
        ObjectNode gone = intempus().get(ids.get(2)).deepCopy();
        gone.put("id", 424242L);
        cases().insertOne(CasesStore.toDocument(gone));
        List<Document> before = cases().find().into(new ArrayList<>());
        long requestsBefore = intempus().requests();

        sync();

        assertThat(cases().find().into(new ArrayList<>())).as("nothing written").isEqualTo(before);
        assertThat(syncState().countDocuments()).as("no sync state saved").isZero();
        assertThat(flow().getLastRun()).startsWith("DRY RUN (nothing written) cases full sync: inserted=3");
        Map<String, Object> actions = (Map<String, Object>) flow().getLastPlan().get("actions");
        assertThat(((Map<String, Object>) actions.get("inserted")).get("first"))
                .isEqualTo(List.of(String.valueOf(ids.get(2)), String.valueOf(ids.get(3)), String.valueOf(ids.get(4))));
        assertThat(((Map<String, Object>) actions.get("updated")).get("first")).isEqualTo(List.of(String.valueOf(ids.get(0))));
        assertThat(((Map<String, Object>) actions.get("deleted")).get("first")).isEqualTo(List.of("424242"));
        assertThat(flow().total("inserted")).as("totals count what was written").isZero();
        assertThat(intempus().requests() - requestsBefore).as("only reads").isEqualTo(intempus().pageRequests());
    }

    @Test
    void theCaseApiRefusesWritesAndStillValidates() throws Exception {
        long existing = intempus().generate(1).get(0);
        int before = intempus().size();
        HttpResponse<String> create = call("POST", url("/case"), """
                {"customer": "/web/v1/customer/6666940/", "number": "7", "name": "Example 7", "active": false}""");
        HttpResponse<String> delete = call("DELETE", url("/case/" + existing), null);
        HttpResponse<String> invalid = call("POST", url("/case"), "{\"number\": \"8\"}");

        assertThat(create.statusCode()).as(create.body()).isEqualTo(503);
        assertThat(JSON.readTree(create.body()).at("/detail/detail").asText()).contains("runs dry").contains("the request was valid");
        assertThat(delete.statusCode()).isEqualTo(503);
        assertThat(invalid.statusCode()).isEqualTo(422);
        assertThat(intempus().size()).isEqualTo(before);
        assertThat(intempus().get(existing)).isNotNull();
    }
}
