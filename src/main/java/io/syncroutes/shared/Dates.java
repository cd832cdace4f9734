package io.syncroutes.shared;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Date;

/** Date normalisation: ISO-8601 with any offset in, UTC out (BSON dates are millisecond precision). */
public final class Dates {

    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    private Dates() {
    }

    /** Parses an ISO-8601 date-time that carries an offset or {@code Z}, e.g. {@code 2025-05-10T18:01:57.763724+02:00}. */
    public static Instant parseInstant(String text) {
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not an ISO-8601 date-time with offset: " + text, e);
        }
    }

    /** The BSON date (milliseconds, sub-millisecond digits truncated) for an ISO-8601 date-time, or null. */
    public static Date toBsonDate(String text) {
        return text == null ? null : Date.from(parseInstant(text));
    }

    /**
     * Formats as UTC ISO-8601 the way Python's {@code datetime.isoformat()} does for an aware UTC datetime:
     * {@code 2023-05-10T18:01:57.719000+00:00}, or {@code 2025-01-15T10:30:00+00:00} when there is no fraction.
     */
    public static String isoUtc(Date date) {
        if (date == null) {
            return null;
        }
        LocalDateTime utc = LocalDateTime.ofInstant(date.toInstant(), ZoneOffset.UTC);
        int micros = utc.getNano() / 1_000;
        String fraction = micros == 0 ? "" : String.format(".%06d", micros);
        return SECONDS.format(utc) + fraction + "+00:00";
    }
}
