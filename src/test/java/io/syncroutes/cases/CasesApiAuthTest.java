package io.syncroutes.cases;

import io.syncroutes.Http;
import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The /case API is guarded like the management endpoints: with MANAGEMENT_USER/MANAGEMENT_PASSWORD set it wants them. */
class CasesApiAuthTest extends CasesTestSupport {

    @Override
    protected Properties casesProperties() {
        Properties props = new Properties();
        props.put("management.user", "operator");
        props.put("management.password", "m4nagement-pa55");
        return props;
    }

    @Test
    void caseApiRequiresTheManagementCredentials() {
        long id = intempus().generate(1).get(0);
        sync();
        long requests = intempus().requests();

        assertThat(Http.get(url("/case")).statusCode()).isEqualTo(401);
        assertThat(Http.get(url("/case/" + id)).statusCode()).isEqualTo(401);
        assertThat(call("DELETE", url("/case/" + id), null).statusCode()).isEqualTo(401);
        assertThat(Http.post(url("/case"), "{}").statusCode()).isEqualTo(401);
        assertThat(intempus().requests()).as("nothing reached Intempus").isEqualTo(requests);
        assertThat(local(id)).isNotNull();

        String auth = Http.basic("operator", "m4nagement-pa55");
        assertThat(Http.get(url("/case/" + id), "Authorization", auth).statusCode()).isEqualTo(200);
        assertThat(Http.get(url("/observe/health")).statusCode()).as("health stays open").isNotIn(401, 403);
    }
}
