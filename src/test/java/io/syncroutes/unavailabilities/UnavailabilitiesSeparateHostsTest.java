package io.syncroutes.unavailabilities;

import io.syncroutes.simulators.QargoSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Separate URLs per environment stay possible: QARGO_MASTER_API_URL and QARGO_MASTER_AUTH_URL point the master at
 * another host (a second simulator) than the local one. The master is read, and its token fetched, on its host
 * only; the local is read and written on its own.
 */
class UnavailabilitiesSeparateHostsTest extends UnavailabilitiesTestSupport {

    // created lazily, like the local host: the properties are asked for from the test's constructor
    private QargoSimulator masterHost;

    private QargoSimulator masterHost() {
        if (masterHost == null) {
            masterHost = startSimulator();
        }
        return masterHost;
    }

    @Override
    protected Properties flowProperties() {
        Properties props = new Properties();
        props.put("qargo.master.api-url", masterHost().apiUrl());
        props.put("qargo.master.auth-url", masterHost().authUrl());
        return props;
    }

    @AfterEach
    void stopMasterHost() {
        if (masterHost != null) {
            masterHost.close();
        }
    }

    @Test
    void theMasterIsReadOnItsOwnHostAndTheLocalWrittenOnItsOwn() throws Exception {
        // the master's data only on the master host; the local host's master environment is empty
        String masterDriver = masterHost().master().addFleetResource("Alice", "DRIVER", Map.of("employeenumber", "E-1"), null);
        String masterId = masterHost().master().putUnavailability(masterDriver,
                unavailability(null, "2025-06-01T00:00:00Z", "2025-06-03T00:00:00Z", "DRIVER_HOLIDAY", "from the master host", null));
        String localDriver = local().addFleetResource("Alice", "DRIVER", Map.of("employeenumber", "E-1"), null);

        String line = runNow();

        assertThat(counter(line, "matched")).isEqualTo(1);
        assertThat(counter(line, "created")).isEqualTo(1);
        assertThat(counter(line, "errors")).isZero();
        assertThat(local().unavailabilities(localDriver)).singleElement()
                .satisfies(u -> assertThat(u.get("external_id").asText()).isEqualTo(masterId));
        assertThat(masterHost().master().tokenRequests()).isEqualTo(1);
        assertThat(masterHost().master().writes()).isZero();
        assertThat(local().tokenRequests()).isEqualTo(1);
        assertThat(masterHost().local().requests()).as("nothing local on the master host").isZero();
        assertThat(master().requests()).as("nothing master on the local host").isZero();
        assertThat(context.getRegistry().lookupByNameAndType("qargoMaster", QargoConnection.class)).hasToString("Qargo master " + masterHost().apiUrl());
        assertThat(context.getRegistry().lookupByNameAndType("qargoLocal", QargoConnection.class)).hasToString("Qargo local " + qargo().apiUrl());
    }
}
