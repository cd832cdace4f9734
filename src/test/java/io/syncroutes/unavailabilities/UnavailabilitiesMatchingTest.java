package io.syncroutes.unavailabilities;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncroutes.Http;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Resource matching end to end: each master resource has one unavailability; which local resource receives its copy
 * shows which master it was matched to. Custom field beats license plate beats name; a license plate matches
 * with spaces and case ignored; a name trimmed and case-insensitive; a local resource matching nothing is
 * unmatched; a master claimed by two local resources, and a key shared by two masters, are ambiguous and skipped.
 */
class UnavailabilitiesMatchingTest extends UnavailabilitiesTestSupport {

    @Test
    void strategiesInPriorityOrderAndAmbiguousOrUnmatchedResourcesSkipped() throws Exception {
        String mEmployee = withOne(master().addResource("Alice", "DRIVER", Map.of("employeenumber", "E-001"), null));
        String mFleet = withOne(master().addResource("Tractor Nine", "TRACTOR", Map.of("fleetno", "F-9"), "9-TR-999"));
        String mTruck = withOne(master().addResource("Truck 7", "TRUCK", Map.of(), "1-ABC-123"));
        String mVan = withOne(master().addResource("Van 2", "VAN", Map.of(), "2 XYZ 987"));
        String mShared = withOne(master().addResource("Shared", "DRIVER", Map.of(), null));
        withOne(master().addResource("Twin", "DRIVER", Map.of(), null));
        withOne(master().addResource("twin ", "DRIVER", Map.of(), null));

        // custom field wins over a name that is another master's ("Truck 7")
        String lEmployee = local().addResource("Truck 7", "DRIVER", Map.of("employeenumber", "E-001"), null);
        // fleet number wins over a license plate that is another master's
        String lFleet = local().addResource("T9", "TRACTOR", Map.of("fleetno", "F-9"), "1-ABC-123");
        // license plate, spaces and case ignored, wins over a name that is another master's ("Van 2")
        String lTruck = local().addResource("Van 2", "TRUCK", Map.of(), " 1-abc -123 ");
        // custom field with no master equivalent: the next strategy (name) decides
        String lVan = local().addResource("  VAN 2 ", "VAN", Map.of("employeenumber", "E-404"), "NOT-KNOWN");
        String lShared1 = local().addResource("shared", "DRIVER", Map.of(), null);
        String lShared2 = local().addResource("SHARED", "DRIVER", Map.of(), null);
        String lTwin = local().addResource("Twin", "DRIVER", Map.of(), null);
        String lGhost = local().addResource("Ghost", "DRIVER", Map.of("employeenumber", "E-999"), null);

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
     * Resources as Qargo lists them, with truck, van and tractor null, or a vehicle whose license plate is null:
     * drivers match by custom field, vehicles without a plate by custom field or name, and two null plates never
     * match each other.
     */
    @Test
    void resourcesWithNullVehicleFieldsAreMatchedByCustomFieldOrName() throws Exception {
        String mDriver = withOne(master().addResource("Dana", "DRIVER", Map.of("employeenumber", "E-7"), null));
        String mVan = withOne(master().addResource("Van 5", "VAN", Map.of(), null));
        String mTruck = withOne(master().addResource("Truck 8", "TRUCK", Map.of("fleetno", "F-8"), null));
        withOne(master().addResource("Unplated", "TRUCK", Map.of(), null));
        String lDriver = local().addResource("D. Smith", "DRIVER", Map.of("employeenumber", "E-7"), null);
        String lVan = local().addResource(" van 5", "VAN", Map.of(), null);
        String lTruck = local().addResource("T8", "TRUCK", Map.of("fleetno", "F-8"), null);
        String lUnplated = local().addResource("Other unplated", "TRUCK", Map.of(), null);
        JsonNode listed = listedLocalResources();
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

    /** The local resources as the simulator lists them over HTTP. */
    private JsonNode listedLocalResources() throws Exception {
        String token = JSON.readTree(Http.post(qargo().authUrl(), "", "Authorization", Http.basic("local-client", LOCAL_SECRET)).body())
                .get("access_token").asText();
        return JSON.readTree(Http.get(qargo().apiUrl() + "/resources/resource", "Authorization", "Bearer " + token).body()).get("items");
    }

    /** Gives a master resource one unavailability whose description names the resource; returns the resource id. */
    private String withOne(String masterResource) {
        master().putUnavailability(masterResource, unavailability(null, "2025-05-01T00:00:00Z", "2025-05-02T00:00:00Z",
                "DRIVER_OTHER", "from " + masterResource, null));
        return masterResource;
    }

    /** The master resource whose unavailability the local resource received. */
    private String copiedFrom(String localResource) {
        assertThat(local().unavailabilities(localResource)).hasSize(1);
        return local().unavailabilities(localResource).get(0).get("description").asText().substring("from ".length());
    }
}
