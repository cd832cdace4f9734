package io.syncroutes.unavailabilities;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** QARGO_MATCH_STRATEGIES=name,custom-field: the configured order decides, here name before custom field. */
class UnavailabilitiesStrategyOrderTest extends UnavailabilitiesTestSupport {

    @Override
    protected Properties flowProperties() {
        Properties props = new Properties();
        props.put("qargo.match-strategies", "name, custom-field");
        return props;
    }

    @Test
    void theConfiguredOrderDecides() throws Exception {
        String byName = master().addFleetResource("Alice", "DRIVER", Map.of("employeenumber", "E-002"), null);
        String byNumber = master().addFleetResource("Bob", "DRIVER", Map.of("employeenumber", "E-001"), null);
        master().putUnavailability(byName, unavailability(null, "2025-05-01T00:00:00Z", null, "DRIVER_OTHER", "alice's", null));
        master().putUnavailability(byNumber, unavailability(null, "2025-05-01T00:00:00Z", null, "DRIVER_OTHER", "bob's", null));
        String local = local().addFleetResource("alice", "DRIVER", Map.of("employeenumber", "E-001"), null);

        String line = runNow();

        assertThat(counter(line, "matched")).isEqualTo(1);
        assertThat(local().unavailabilities(local)).singleElement().satisfies(u -> assertThat(u.get("description").asText()).isEqualTo("alice's"));
    }
}
