package io.syncroutes.infra;

import io.syncroutes.Http;
import io.syncroutes.SyncRoutesTestSupport;
import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** With MANAGEMENT_USER/MANAGEMENT_PASSWORD set, Jolokia and /observe/sync want them (HTTP basic); health does not. */
class ManagementAuthenticationTest extends SyncRoutesTestSupport {

    @Override
    protected Properties properties() {
        Properties props = new Properties();
        props.put("management.user", "operator");
        props.put("management.password", "m4nagement-pa55");
        return props;
    }

    @Test
    void jolokiaAndSyncStateRequireTheManagementCredentials() {
        String base = "http://127.0.0.1:" + httpPort();
        assertThat(Http.get(base + "/observe/jolokia/version").statusCode()).isEqualTo(401);
        assertThat(Http.get(base + "/observe/jolokia/version").headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"sync-routes\"");
        assertThat(Http.get(base + "/observe/jolokia/version", "Authorization", Http.basic("operator", "wrong")).statusCode()).isEqualTo(401);
        assertThat(Http.post(base + "/observe/jolokia/", "{\"type\":\"version\"}").statusCode()).isEqualTo(401);
        assertThat(Http.get(base + "/observe/sync").statusCode()).isEqualTo(401);

        assertThat(Http.get(base + "/observe/jolokia/version", "Authorization", Http.basic("operator", "m4nagement-pa55")).statusCode()).isEqualTo(200);
        assertThat(Http.get(base + "/observe/sync", "Authorization", Http.basic("operator", "m4nagement-pa55")).body()).contains("workorders-inbound");
        assertThat(Http.get(base + "/observe/health").statusCode()).as("health stays open").isNotIn(401, 403);
    }
}
