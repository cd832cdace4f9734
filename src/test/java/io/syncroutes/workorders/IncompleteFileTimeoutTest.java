package io.syncroutes.workorders;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** WORKORDERS_INCOMPLETE_FILE_TIMEOUT as operators write it, and as the error reason says it. */
class IncompleteFileTimeoutTest {

    @Test
    void millisecondsAUnitOrIso8601() {
        for (String ten : new String[] {"600000", "10m", "600s", "PT10M", "pt10m"}) {
            assertThat(WorkOrdersConfiguration.durationMs(ten, "WORKORDERS_INCOMPLETE_FILE_TIMEOUT")).as(ten).isEqualTo(600_000);
        }
        assertThat(WorkOrdersConfiguration.durationMs("1m30s", "X")).isEqualTo(90_000);
    }

    @Test
    void anythingElseStopsTheStartNamingTheVariable() {
        for (String bad : new String[] {"", "0", "ten minutes", "-5s", "PT-1M"}) {
            assertThatThrownBy(() -> WorkOrdersConfiguration.durationMs(bad, "WORKORDERS_INCOMPLETE_FILE_TIMEOUT")).as(bad)
                    .hasMessageContaining("WORKORDERS_INCOMPLETE_FILE_TIMEOUT must be a positive duration");
        }
    }

    @Test
    void describedAsPeopleWriteIt() {
        assertThat(IncompleteFiles.describe(600_000)).isEqualTo("10 min");
        assertThat(IncompleteFiles.describe(7_200_000)).isEqualTo("2 h");
        assertThat(IncompleteFiles.describe(90_000)).isEqualTo("90 s");
        assertThat(IncompleteFiles.describe(1_500)).isEqualTo("1500 ms");
    }
}
