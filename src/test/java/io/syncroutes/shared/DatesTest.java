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
    void readsEveryDateAsJavasIsoFormatterDoesAndRefusesWhatItRefuses() {
        // the common form is read digit by digit: the same instant as the formatter, or refused the same way
        java.util.Random random = new java.util.Random(1);
        String[] offsets = {"Z", "+00:00", "-00:00", "+02:00", "-05:30", "+14:00", "+18:00", "-18:00", "+18:01", "+19:00",
                "+05:60", "+0200", "+02", "+02:00:30", "z", ""};
        String mutations = "0123456789-+:.TZtz x";
        int checked = 0;
        for (int i = 0; i < 50_000; i++) {
            StringBuilder text = new StringBuilder(String.format("%04d-%02d-%02dT%02d:%02d:%02d",
                    random.nextInt(10_000), random.nextInt(14), random.nextInt(33), random.nextInt(26), random.nextInt(61), random.nextInt(62)));
            int fraction = random.nextInt(12) - 1;
            if (fraction >= 0) {
                text.append('.');
                for (int d = 0; d < fraction; d++) {
                    text.append((char) ('0' + random.nextInt(10)));
                }
            }
            text.append(offsets[random.nextInt(offsets.length)]);
            if (random.nextInt(4) == 0) {
                text.setCharAt(random.nextInt(text.length()), mutations.charAt(random.nextInt(mutations.length())));
            }
            String date = text.toString();
            Instant expected;
            try {
                expected = java.time.OffsetDateTime.parse(date, java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
            } catch (java.time.format.DateTimeParseException refused) {
                expected = null;
            }
            if (expected == null) {
                assertThatThrownBy(() -> Dates.parseInstant(date)).as(date).hasMessageContaining("not an ISO-8601 date-time");
            } else {
                assertThat(Dates.parseInstant(date)).as(date).isEqualTo(expected);
                checked++;
            }
        }
        assertThat(checked).as("valid dates among those tried").isGreaterThan(5_000);
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
