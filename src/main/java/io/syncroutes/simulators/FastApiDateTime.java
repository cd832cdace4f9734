package io.syncroutes.simulators;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A date-time read as a FastAPI service with pydantic v2 reads a {@code datetime} query parameter or body field
 * (lax mode): {@code YYYY-MM-DD[T|t| |_]HH:MM[:SS[.|,fraction]]} with {@code Z}, {@code z}, {@code ±HH:MM} or
 * {@code ±HHMM}, or without offset (naive); a date alone (midnight); or unix time in seconds (milliseconds above
 * 2e10). Qargo's datetimes are UTC, so naive values are read as UTC.
 */
final class FastApiDateTime {

    private static final Pattern DATE_TIME = Pattern.compile(
            "(\\d{4})-(\\d{2})-(\\d{2})(?:[Tt _](\\d{2}):(\\d{2})(?::(\\d{2})(?:[.,](\\d+))?)?(?:([Zz])|([+-])(\\d{2}):?(\\d{2}))?)?");
    private static final Pattern UNIX = Pattern.compile("[+-]?\\d+(?:\\.\\d*)?");
    private static final double MILLIS_THRESHOLD = 2e10;
    private static final Instant FIRST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LAST = Instant.parse("9999-12-31T23:59:59Z");

    private FastApiDateTime() {
    }

    /** Why a value is not a date-time, worded like pydantic's reasons. */
    static final class Invalid extends Exception {
        Invalid(String reason) {
            super(reason);
        }
    }

    static Instant parse(String text) throws Invalid {
        if (UNIX.matcher(text).matches()) {
            return unix(text);
        }
        Matcher m = DATE_TIME.matcher(text);
        if (!m.matches()) {
            throw new Invalid(text.length() < 10 ? "input is too short" : "unexpected extra characters at the end of the input");
        }
        if (Integer.parseInt(m.group(1)) == 0) {
            throw new Invalid("year 0 is out of range");
        }
        try {
            LocalDate date = LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
            if (m.group(4) == null) {
                return date.atStartOfDay().toInstant(ZoneOffset.UTC);
            }
            int nanos = m.group(7) == null ? 0 : Integer.parseInt((m.group(7) + "000000").substring(0, 6)) * 1000;
            LocalTime time = LocalTime.of(Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
                    m.group(6) == null ? 0 : Integer.parseInt(m.group(6)), nanos);
            long offsetSeconds = 0;
            if (m.group(9) != null) {
                int hours = Integer.parseInt(m.group(10));
                int minutes = Integer.parseInt(m.group(11));
                if (hours > 23 || minutes > 59) {
                    throw new Invalid("unexpected extra characters at the end of the input");
                }
                offsetSeconds = ("-".equals(m.group(9)) ? -1 : 1) * (hours * 3600L + minutes * 60L);
            }
            // offsets up to ±23:59 are valid here, beyond java.time's ZoneOffset range: shift by hand
            return LocalDateTime.of(date, time).toInstant(ZoneOffset.UTC).minusSeconds(offsetSeconds);
        } catch (DateTimeException e) {
            throw new Invalid("date or time value is outside expected range");
        }
    }

    private static Instant unix(String text) throws Invalid {
        double value = Double.parseDouble(text);
        double seconds = Math.abs(value) > MILLIS_THRESHOLD ? value / 1000 : value;
        if (seconds > LAST.getEpochSecond() || seconds < FIRST.getEpochSecond()) {
            throw new Invalid("dates after 9999 are not supported as unix timestamps");
        }
        long whole = (long) Math.floor(seconds);
        return Instant.ofEpochSecond(whole, Math.round((seconds - whole) * 1_000_000) * 1000);
    }
}
