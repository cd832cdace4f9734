package io.syncroutes.shared;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

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
        String[] offsets = {"Z", "+00:00", "-00:00", "+02:00", "-05:30", "+14:00", "+18:00", "-18:00", "+18:01", "+19:00",
                "+05:60", "+0200", "+02", "+02:00:30", "z", ""};
        parsesAsOracle(nearCommonForm(1, "T", offsets), Dates::parseInstant,
                date -> OffsetDateTime.parse(date, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant());
    }

    @Test
    void dateWithoutOffsetIsRefused() {
        assertThatThrownBy(() -> Dates.parseInstant("2025-05-10T18:01:57")).hasMessageContaining("with offset");
    }

    @Test
    void naiveAsUtcReadsEveryCommonFormOfOneInstant() {
        Instant at = Instant.parse("2025-07-01T16:01:00.827904Z");
        for (String form : new String[] {"2025-07-01T16:01:00.827904", "2025-07-01 16:01:00.827904", "2025-07-01T16:01:00.827904Z",
                "2025-07-01 16:01:00.827904Z", "2025-07-01T18:01:00.827904+02:00", "2025-07-01T18:01:00.827904+0200",
                "2025-07-01 18:01:00.827904+02", "2025-07-01T10:31:00.827904-05:30", "2025-07-01t16:01:00.827904z",
                "2025-07-01T16:01:00.827904000", "2025-07-01T16:01:00.827904000+00:00"}) {
            assertThat(Dates.parseInstantNaiveAsUtc(form)).as(form).isEqualTo(at);
        }
        // 0 to 9 fractional digits, seconds optional, a date alone at midnight
        assertThat(Dates.parseInstantNaiveAsUtc("2025-07-01T16:01:00")).isEqualTo(Instant.parse("2025-07-01T16:01:00Z"));
        assertThat(Dates.parseInstantNaiveAsUtc("2025-07-01 16:01:00.8")).isEqualTo(Instant.parse("2025-07-01T16:01:00.800Z"));
        assertThat(Dates.parseInstantNaiveAsUtc("2025-07-01T16:01:00.123456789")).isEqualTo(Instant.parse("2025-07-01T16:01:00.123456789Z"));
        assertThat(Dates.parseInstantNaiveAsUtc("2025-07-01T16:01")).isEqualTo(Instant.parse("2025-07-01T16:01:00Z"));
        assertThat(Dates.parseInstantNaiveAsUtc("2025-07-01")).isEqualTo(Instant.parse("2025-07-01T00:00:00Z"));
    }

    @Test
    void naiveAsUtcRefusesWhatIsNoDateTime() {
        for (String bad : new String[] {"", "yesterday", "2025-07-01T16:01:00.1234567891", "2025-02-30T16:01:00", "2025-07-01T24:00:00",
                "2025-07-01T16:01:00+19:00", "2025-07-01T16:01:00 +02:00", "2025-07-01  16:01:00",
                "2025-07-0116:01:00", "07/01/2025 16:01", "2025-07-01T16:01:00+2"}) {
            assertThatThrownBy(() -> Dates.parseInstantNaiveAsUtc(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("not an ISO-8601 date-time: " + bad);
        }
    }

    @Test
    void naiveAsUtcReadsWhatJavasIsoFormattersReadNaiveAsUtc() {
        // the same instant as ISO_OFFSET_DATE_TIME, else ISO_LOCAL_DATE_TIME at UTC (a space for the T), or refused like them
        String[] offsets = {"Z", "+00:00", "-00:00", "+02:00", "-05:30", "+14:00", "+18:00", "-18:00", "+18:01", "+19:00",
                "+05:60", "+02:00:30", "z", "", "", ""};
        parsesAsOracle(nearCommonForm(2, "T ", offsets), Dates::parseInstantNaiveAsUtc, date -> {
            String withT = date.length() > 10 && date.charAt(10) == ' ' ? date.substring(0, 10) + "T" + date.substring(11) : date;
            try {
                return OffsetDateTime.parse(withT, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
            } catch (DateTimeParseException notOffset) {
                return LocalDateTime.parse(withT, DateTimeFormatter.ISO_LOCAL_DATE_TIME).toInstant(ZoneOffset.UTC);
            }
        });
    }

    @Test
    void formatsLikePythonIsoformatInUtc() {
        assertThat(Dates.isoUtc(Date.from(Instant.parse("2023-05-10T18:01:57.719Z")))).isEqualTo("2023-05-10T18:01:57.719000+00:00");
        assertThat(Dates.isoUtc(Date.from(Instant.parse("2025-01-15T10:30:00Z")))).isEqualTo("2025-01-15T10:30:00+00:00");
        assertThat(Dates.isoUtc(null)).isNull();
    }

    /**
     * 50,000 date-times near the common form: random fields (some out of range), one of {@code separators} between
     * date and time, 0 to 10 fractional digits or none, one of {@code offsets}; a quarter with one character changed.
     */
    private static List<String> nearCommonForm(long seed, String separators, String[] offsets) {
        Random random = new Random(seed);
        String mutations = "0123456789-+:.TZtz x";
        List<String> dates = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            char separator = separators.length() == 1 ? separators.charAt(0) : separators.charAt(random.nextInt(separators.length()));
            StringBuilder text = new StringBuilder(String.format("%04d-%02d-%02d%c%02d:%02d:%02d", random.nextInt(10_000),
                    random.nextInt(14), random.nextInt(33), separator, random.nextInt(26), random.nextInt(61), random.nextInt(62)));
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
            dates.add(text.toString());
        }
        return dates;
    }

    /** Each date parses to the oracle's instant, or is refused when the oracle throws; enough of them are valid. */
    private static void parsesAsOracle(List<String> dates, Function<String, Instant> parser, Function<String, Instant> oracle) {
        int checked = 0;
        for (String date : dates) {
            Instant expected;
            try {
                expected = oracle.apply(date);
            } catch (DateTimeParseException refused) {
                expected = null;
            }
            if (expected == null) {
                assertThatThrownBy(() -> parser.apply(date)).as(date).hasMessageContaining("not an ISO-8601 date-time");
            } else {
                assertThat(parser.apply(date)).as(date).isEqualTo(expected);
                checked++;
            }
        }
        assertThat(checked).as("valid dates among those tried").isGreaterThan(5_000);
    }
}
