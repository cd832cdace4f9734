package io.syncroutes.unavailabilities;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One matched fleet resource pair with every case of the diff, over several cursor pages on both sides, with the master
 * URLs unset: both environments on the simulator's one host and token endpoint, told apart by their credentials, as
 * at the real Qargo. A missing one is created (external_id = master id), a changed one updated on the local ids, one
 * whose master is gone deleted, one equal but written with another offset left alone, an open-ended one (end_time
 * null) and one without description handled; a local one entered by hand (no external_id) is kept. Every write lands
 * in the local environment, the master is never written; the next run writes nothing and makes only the reads the
 * data needs.
 */
class UnavailabilitiesSyncTest extends UnavailabilitiesTestSupport {

    @Test
    void localBecomesEqualToMasterOverSeveralPagesAndTheNextRunWritesNothing() throws Exception {
        master().pageSizes(2, 2);
        local().pageSizes(2, 2);
        String masterDriver = master().addFleetResource("John Driver", "DRIVER", Map.of("employeenumber", "E-001"), null);
        String localDriver = local().addFleetResource("J. Driver", "DRIVER", Map.of("employeenumber", "E-001"), null);
        for (int i = 0; i < 4; i++) { // more fleet resources, so the fleet lists span several pages too
            master().addFleetResource("Van " + i, "VAN", Map.of(), null);
            local().addFleetResource("van " + i, "VAN", Map.of(), null);
        }
        String created = master().putUnavailability(masterDriver,
                unavailability(null, "2025-01-08T00:00:00+00:00", "2025-01-12T00:00:00+00:00", "DRIVER_HOLIDAY", "HR reference HR00001", null));
        String openEnded = master().putUnavailability(masterDriver,
                unavailability(null, "2025-03-01T08:00:00+00:00", null, "DRIVER_SICKNESS", null, null));
        String changed = master().putUnavailability(masterDriver,
                unavailability(null, "2025-01-09T00:00:00+00:00", "2025-01-12T00:00:00+00:00", "DRIVER_HOLIDAY", "HR00002, correction 1 day", null));
        String sameInstant = master().putUnavailability(masterDriver,
                unavailability(null, "2025-02-01T10:00:00+02:00", "2025-02-01T18:00:00+02:00", "DRIVER_TRAINING", "course", null));
        String unchangedOpen = master().putUnavailability(masterDriver,
                unavailability(null, "2025-04-01T00:00:00Z", null, "DRIVER_OTHER", null, null));

        String localChanged = local().putUnavailability(localDriver,
                unavailability(null, "2025-01-08T00:00:00+00:00", "2025-01-12T00:00:00+00:00", "DRIVER_HOLIDAY", "HR00002", changed));
        String localSame = local().putUnavailability(localDriver,
                unavailability(null, "2025-02-01T08:00:00Z", "2025-02-01T16:00:00.000Z", "DRIVER_TRAINING", "course", sameInstant));
        local().putUnavailability(localDriver,
                unavailability(null, "2025-04-01T00:00:00+00:00", null, "DRIVER_OTHER", null, unchangedOpen));
        String orphan = local().putUnavailability(localDriver,
                unavailability(null, "2025-05-01T00:00:00Z", "2025-05-02T00:00:00Z", "DRIVER_HOLIDAY", "master deleted it", "gone-0000"));
        String byHand = local().putUnavailability(localDriver,
                unavailability(null, "2025-06-01T00:00:00Z", "2025-06-02T00:00:00Z", "DRIVER_OTHER", "entered locally", null));

        List<ObjectNode> masterBefore = master().unavailabilities(masterDriver);

        String line = runNow();

        assertThat(counter(line, "matched")).isEqualTo(5);
        assertThat(counter(line, "created")).isEqualTo(2);
        assertThat(counter(line, "updated")).isEqualTo(1);
        assertThat(counter(line, "deleted")).isEqualTo(1);
        assertThat(counter(line, "unchanged")).isEqualTo(2);
        assertThat(counter(line, "errors")).isZero();
        Map<String, ObjectNode> byExternal = local().unavailabilities(localDriver).stream()
                .filter(u -> u.hasNonNull("external_id")).collect(Collectors.toMap(u -> u.get("external_id").asText(), u -> u));
        assertThat(byExternal.keySet()).containsExactlyInAnyOrder(created, openEnded, changed, sameInstant, unchangedOpen);
        assertThat(byExternal.get(created).get("start_time").asText()).isEqualTo("2025-01-08T00:00:00Z");
        assertThat(byExternal.get(created).get("description").asText()).isEqualTo("HR reference HR00001");
        assertThat(byExternal.get(openEnded).get("end_time").isNull()).isTrue();
        assertThat(byExternal.get(openEnded).get("description").isNull()).isTrue();
        // updated in place, on the local unavailability id
        assertThat(byExternal.get(changed).get("id").asText()).isEqualTo(localChanged);
        assertThat(byExternal.get(changed).get("start_time").asText()).isEqualTo("2025-01-09T00:00:00Z");
        assertThat(byExternal.get(changed).get("description").asText()).isEqualTo("HR00002, correction 1 day");
        // same instants with another offset: not rewritten
        assertThat(byExternal.get(sameInstant).get("id").asText()).isEqualTo(localSame);
        assertThat(byExternal.get(sameInstant).get("start_time").asText()).isEqualTo("2025-02-01T08:00:00Z");
        List<String> ids = local().unavailabilities(localDriver).stream().map(u -> u.get("id").asText()).toList();
        assertThat(ids).doesNotContain(orphan).contains(byHand);
        assertThat(local().writes()).isEqualTo(4);
        assertThat(master().writes()).as("never writes to the master").isZero();
        assertThat(master().unavailabilityCount()).isEqualTo(5);
        assertThat(master().unavailabilities(masterDriver)).isEqualTo(masterBefore);
        // one URL for both environments; the one token endpoint gave each its own token
        assertThat(context.getRegistry().lookupByNameAndType("qargoMaster", QargoConnection.class)).hasToString("Qargo master " + qargo().apiUrl());
        assertThat(context.getRegistry().lookupByNameAndType("qargoLocal", QargoConnection.class)).hasToString("Qargo local " + qargo().apiUrl());
        assertThat(master().tokenRequests()).isEqualTo(1);
        assertThat(local().tokenRequests()).isEqualTo(1);
        assertThat(qargo().unauthenticated()).isZero();

        master().resetCounters();
        local().resetCounters();
        String second = runNow();
        assertThat(counter(second, "created") + counter(second, "updated") + counter(second, "deleted")).isZero();
        assertThat(counter(second, "unchanged")).isEqualTo(5);
        assertThat(local().writes()).isZero();
        // the reads the data needs: 3 fleet pages per side, then per pair one page (or 3 for the driver's 5)
        long lowerBound = (3 + 3 + 4) + (3 + 3 + 4);
        assertThat(master().requests() + local().requests()).isEqualTo(lowerBound);
        assertThat(counter(second, "requests")).isEqualTo(lowerBound);
        assertThat(flowState().getLastRun()).isEqualTo(second.substring(second.indexOf("unavailabilities run")));
        assertThat(flowState().total("created")).isEqualTo(2);
    }
}
