package io.syncroutes.infra;

import io.syncroutes.Http;
import io.syncroutes.SyncRoutesTestSupport;
import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** With MANAGEMENT_USER/MANAGEMENT_PASSWORD set, /observe/runs and /observe/provenance want them, like /observe/sync. */
class ProvenanceEndpointsAuthTest extends SyncRoutesTestSupport {

    static final String[] PATHS = {"/observe/runs", "/observe/runs?flow=cases&limit=5", "/observe/runs/some-run",
        "/observe/provenance/workorders/4711"};

    @Override
    protected Properties properties() {
        Properties props = new Properties();
        props.put("management.user", "operator");
        props.put("management.password", "m4nagement-pa55");
        return props;
    }

    @Test
    void runsAndProvenanceRequireTheManagementCredentials() {
        String base = "http://127.0.0.1:" + httpPort();
        for (String path : PATHS) {
            assertThat(Http.get(base + path).statusCode()).as(path).isEqualTo(401);
            assertThat(Http.get(base + path, "Authorization", Http.basic("operator", "wrong")).statusCode()).as(path).isEqualTo(401);
        }
        assertThat(Http.get(base + "/observe/runs", "Authorization", Http.basic("operator", "m4nagement-pa55")).statusCode()).isEqualTo(200);
        assertThat(Http.get(base + "/observe/provenance/workorders/4711", "Authorization", Http.basic("operator", "m4nagement-pa55"))
                .statusCode()).as("known to nobody, but answered").isEqualTo(404);
    }
}
