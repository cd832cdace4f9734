package io.syncroutes.unavailabilities;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncroutes.Http;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * QARGO_DRY_RUN=true: the run reports what it would create, update and delete, and writes nothing anywhere. The run
 * is started through Jolokia, as Hawtio's Operations tab does.
 */
class UnavailabilitiesDryRunTest extends UnavailabilitiesTestSupport {

    @Override
    protected Properties flowProperties() {
        Properties props = new Properties();
        props.put("qargo.dry-run", "true");
        return props;
    }

    @Test
    void dryRunWritesNothing() throws Exception {
        String master = master().addFleetResource("Alice", "DRIVER", Map.of("employeenumber", "E-1"), null);
        String local = local().addFleetResource("Alice", "DRIVER", Map.of("employeenumber", "E-1"), null);
        String changed = master().putUnavailability(master, unavailability(null, "2025-06-01T00:00:00Z", null, "DRIVER_OTHER", "new", null));
        master().putUnavailability(master, unavailability(null, "2025-07-01T00:00:00Z", null, "DRIVER_OTHER", null, null));
        local().putUnavailability(local, unavailability(null, "2025-06-01T00:00:00Z", null, "DRIVER_OTHER", "old", changed));
        local().putUnavailability(local, unavailability(null, "2025-08-01T00:00:00Z", null, "DRIVER_OTHER", null, "gone"));

        // as Hawtio's Operations tab calls it: a Jolokia exec (loopback client, no management credentials set)
        JsonNode exec = JSON.readTree(Http.post("http://127.0.0.1:" + httpPort() + "/observe/jolokia/", JSON.createObjectNode()
                .put("type", "exec").put("mbean", "io.syncroutes:type=Operations,flow=unavailabilities").put("operation", "runNow()").toString()).body());
        assertThat(exec.path("status").asInt()).as(exec.toString()).isEqualTo(200);
        String line = exec.get("value").asText();

        assertThat(line).startsWith("DRY RUN (nothing written)");
        assertThat(counter(line, "created")).isEqualTo(1);
        assertThat(counter(line, "updated")).isEqualTo(1);
        assertThat(counter(line, "deleted")).isEqualTo(1);
        assertThat(local().writes()).isZero();
        assertThat(master().writes()).isZero();
        assertThat(local().unavailabilities(local)).extracting(u -> u.path("description").asText()).containsExactlyInAnyOrder("old", "null");
        assertThat(flowState().getMode()).startsWith("DRY RUN");
        assertThat(flowState().getLastPlan().get("actions").toString()).contains("created={count=1", "updated={count=1", "deleted={count=1");
        assertThat(flowState().total("created")).as("totals count what was written").isZero();
    }
}
