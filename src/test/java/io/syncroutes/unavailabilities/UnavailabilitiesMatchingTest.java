package io.syncroutes.unavailabilities;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncroutes.Http;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fleet resource matching end to end: each master one has one unavailability; which local one receives its copy
 * shows which master it was matched to. Custom field beats license plate beats name; a license plate matches
 * with spaces and case ignored; a name trimmed and case-insensitive; a local fleet resource matching nothing is
 * unmatched; a master claimed by two local ones, and a key shared by two masters, are ambiguous and skipped.
 */
class UnavailabilitiesMatchingTest extends UnavailabilitiesTestSupport {

    @Test
    void strategiesInPriorityOrderAndAmbiguousOrUnmatchedFleetResourcesSkipped() throws Exception {
        String mEmployee = withOne(master().addFleetResource("Alice", "DRIVER", Map.of("employeenumber", "E-001"), null));
        String mFleet = withOne(master().addFleetResource("Tractor Nine", "TRACTOR", Map.of("fleetno", "F-9"), "9-TR-999"));
        String mTruck = withOne(master().addFleetResource("Truck 7", "TRUCK", Map.of(), "1-ABC-123"));
        String mVan = withOne(master().addFleetResource("Van 2", "VAN", Map.of(), "2 XYZ 987"));
        String mShared = withOne(master().addFleetResource("Shared", "DRIVER", Map.of(), null));
        withOne(master().addFleetResource("Twin", "DRIVER", Map.of(), null));
        withOne(master().addFleetResource("twin ", "DRIVER", Map.of(), null));

        // custom field wins over a name that is another master's ("Truck 7")
        String lEmployee = local().addFleetResource("Truck 7", "DRIVER", Map.of("employeenumber", "E-001"), null);
        // fleet number wins over a license plate that is another master's
        String lFleet = local().addFleetResource("T9", "TRACTOR", Map.of("fleetno", "F-9"), "1-ABC-123");
        // license plate, spaces and case ignored, wins over a name that is another master's ("Van 2")
        String lTruck = local().addFleetResource("Van 2", "TRUCK", Map.of(), " 1-abc -123 ");
        // custom field with no master equivalent: the next strategy (name) decides
        String lVan = local().addFleetResource("  VAN 2 ", "VAN", Map.of("employeenumber", "E-404"), "NOT-KNOWN");
        String lShared1 = local().addFleetResource("shared", "DRIVER", Map.of(), null);
        String lShared2 = local().addFleetResource("SHARED", "DRIVER", Map.of(), null);
        String lTwin = local().addFleetResource("Twin", "DRIVER", Map.of(), null);
        String lGhost = local().addFleetResource("Ghost", "DRIVER", Map.of("employeenumber", "E-999"), null);

        String line = runNow();

        assertThat(counter(line, "matched")).isEqualTo(4);
        assertThat(counter(line, "unmatched")).isEqualTo(1);
        assertThat(counter(line, "ambiguous")).isEqualTo(3);
        assertThat(counter(line, "created")).isEqualTo(4);
        assertThat(line).contains("unmatched=[Ghost]").contains("ambiguous=[Twin, shared, SHARED]");
        assertThat(copiedFrom(lEmployee)).isEqualTo(mEmployee);
        assertThat(copiedFrom(lFleet)).isEqualTo(mFleet);
        assertThat(copiedFrom(lTruck)).isEqualTo(mTruck);
        assertThat(copiedFrom(lVan)).isEqualTo(mVan);
        for (String skipped : new String[] {lShared1, lShared2, lTwin, lGhost}) {
            assertThat(local().unavailabilities(skipped)).isEmpty();
        }
        assertThat(master().unavailabilities(mShared)).hasSize(1);
    }

    /**
     * Fleet resources as Qargo lists them, with truck, van and tractor null, or a vehicle whose license plate is null:
     * drivers match by custom field, vehicles without a plate by custom field or name, and two null plates never
     * match each other.
     */
    @Test
    void fleetResourcesWithNullVehicleFieldsAreMatchedByCustomFieldOrName() throws Exception {
        String mDriver = withOne(master().addFleetResource("Dana", "DRIVER", Map.of("employeenumber", "E-7"), null));
        String mVan = withOne(master().addFleetResource("Van 5", "VAN", Map.of(), null));
        String mTruck = withOne(master().addFleetResource("Truck 8", "TRUCK", Map.of("fleetno", "F-8"), null));
        withOne(master().addFleetResource("Unplated", "TRUCK", Map.of(), null));
        String lDriver = local().addFleetResource("D. Smith", "DRIVER", Map.of("employeenumber", "E-7"), null);
        String lVan = local().addFleetResource(" van 5", "VAN", Map.of(), null);
        String lTruck = local().addFleetResource("T8", "TRUCK", Map.of("fleetno", "F-8"), null);
        String lUnplated = local().addFleetResource("Other unplated", "TRUCK", Map.of(), null);
        JsonNode listed = listedLocalFleet();
        assertThat(listed.at("/0/truck").isNull() && listed.at("/0/van").isNull() && listed.at("/0/tractor").isNull()).isTrue();
        assertThat(listed.at("/1/van/license_plate").isNull() && listed.at("/1/truck").isNull()).isTrue();

        String line = runNow();

        assertThat(counter(line, "matched")).isEqualTo(3);
        assertThat(counter(line, "unmatched")).isEqualTo(1);
        assertThat(counter(line, "ambiguous")).isZero();
        assertThat(counter(line, "errors")).isZero();
        assertThat(line).contains("unmatched=[Other unplated]");
        assertThat(copiedFrom(lDriver)).isEqualTo(mDriver);
        assertThat(copiedFrom(lVan)).isEqualTo(mVan);
        assertThat(copiedFrom(lTruck)).isEqualTo(mTruck);
        assertThat(local().unavailabilities(lUnplated)).isEmpty();
    }

    /** The local fleet resources as the simulator lists them over HTTP. */
    private JsonNode listedLocalFleet() throws Exception {
        String token = JSON.readTree(Http.post(qargo().authUrl(), "", "Authorization", Http.basic("local-client", LOCAL_SECRET)).body())
                .get("access_token").asText();
        return JSON.readTree(Http.get(qargo().apiUrl() + "/resources/resource", "Authorization", "Bearer " + token).body()).get("items");
    }

    /** Gives a master fleet resource one unavailability whose description names it; returns its id. */
    private String withOne(String masterFleetResource) {
        master().putUnavailability(masterFleetResource, unavailability(null, "2025-05-01T00:00:00Z", "2025-05-02T00:00:00Z",
                "DRIVER_OTHER", "from " + masterFleetResource, null));
        return masterFleetResource;
    }

    /** The master fleet resource whose unavailability the local one received. */
    private String copiedFrom(String localFleetResource) {
        assertThat(local().unavailabilities(localFleetResource)).hasSize(1);
        return local().unavailabilities(localFleetResource).get(0).get("description").asText().substring("from ".length());
    }
}
