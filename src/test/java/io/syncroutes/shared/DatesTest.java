package io.syncroutes.shared;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Date;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatesTest {

    @Test
    void anyOffsetBecomesUtcTruncatedToMilliseconds() {
        assertThat(Dates.toBsonDate("2025-05-10T18:01:57.763724+00:00")).isEqualTo(Date.from(Instant.parse("2025-05-10T18:01:57.763Z")));
        assertThat(Dates.toBsonDate("2025-05-10T20:01:57Z")).isEqualTo(Date.from(Instant.parse("2025-05-10T20:01:57Z")));
        assertThat(Dates.toBsonDate("2025-05-10T20:01:57-05:30")).isEqualTo(Date.from(Instant.parse("2025-05-11T01:31:57Z")));
        assertThat(Dates.toBsonDate(null)).isNull();
    }

    @Test
    void dateWithoutOffsetIsRefused() {
        assertThatThrownBy(() -> Dates.parseInstant("2025-05-10T18:01:57")).hasMessageContaining("with offset");
    }

    @Test
    void formatsLikePythonIsoformatInUtc() {
        assertThat(Dates.isoUtc(Date.from(Instant.parse("2023-05-10T18:01:57.719Z")))).isEqualTo("2023-05-10T18:01:57.719000+00:00");
        assertThat(Dates.isoUtc(Date.from(Instant.parse("2025-01-15T10:30:00Z")))).isEqualTo("2025-01-15T10:30:00+00:00");
        assertThat(Dates.isoUtc(null)).isNull();
    }
}
