package io.syncroutes.shared;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.chrono.IsoChronology;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.TemporalAccessor;
import java.util.Date;
import java.util.Locale;

/** Date normalisation: ISO-8601 with any offset in, UTC out (BSON dates are millisecond precision). */
public final class Dates {

    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
    /** A local date-time with an optional offset in any of {@code Z}, {@code +02:00}, {@code +0200}, {@code +02}. */
    private static final DateTimeFormatter OPTIONAL_OFFSET = new DateTimeFormatterBuilder().parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE).appendLiteral('T').append(DateTimeFormatter.ISO_LOCAL_TIME)
            .optionalStart().parseLenient().appendOffset("+HH", "Z")
            .toFormatter(Locale.ROOT).withChronology(IsoChronology.INSTANCE).withResolverStyle(ResolverStyle.STRICT);

    private Dates() {
    }

    /** Parses an ISO-8601 date-time that carries an offset or {@code Z}, e.g. {@code 2025-05-10T18:01:57.763724+02:00}. */
    public static Instant parseInstant(String text) {
        Instant common = parseCommonForm(text, false);
        if (common != null) {
            return common;
        }
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not an ISO-8601 date-time with offset: " + text, e);
        }
    }

    /**
     * Parses a date-time in any common ISO-8601 form, the offset optional: {@code T} or a space between date and
     * time, seconds optional, 0 to 9 fractional digits, and {@code Z}, {@code ±HH:MM}, {@code ±HHMM}, {@code ±HH} or
     * no offset, which is taken as UTC; a date alone is its midnight UTC. E.g. {@code 2025-07-01 16:01:00.827904},
     * {@code 2025-07-01T18:01:00.827904+02:00}.
     */
    public static Instant parseInstantNaiveAsUtc(String text) {
        Instant common = parseCommonForm(text, true);
        if (common != null) {
            return common;
        }
        try {
            if (text.length() == 10) {
                return LocalDate.parse(text, DateTimeFormatter.ISO_LOCAL_DATE).atStartOfDay().toInstant(ZoneOffset.UTC);
            }
            String withT = text.length() > 10 && text.charAt(10) == ' ' ? text.substring(0, 10) + 'T' + text.substring(11) : text;
            TemporalAccessor parsed = OPTIONAL_OFFSET.parseBest(withT, OffsetDateTime::from, LocalDateTime::from);
            return parsed instanceof OffsetDateTime withOffset ? withOffset.toInstant()
                    : ((LocalDateTime) parsed).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not an ISO-8601 date-time: " + text, e);
        }
    }

    /**
     * The common form {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}](Z|±HH:MM)} read digit by digit (a third of the time of
     * {@link DateTimeFormatter#ISO_OFFSET_DATE_TIME}, which every work order's two or three dates went through);
     * {@code naiveAsUtc} also takes a space for the {@code T} and no offset (UTC). Null for anything else, or an
     * invalid date, which a formatter then parses or refuses with its reason.
     */
    private static Instant parseCommonForm(String text, boolean naiveAsUtc) {
        int length = text.length();
        if (length < (naiveAsUtc ? 19 : 20) || text.charAt(4) != '-' || text.charAt(7) != '-'
                || !(text.charAt(10) == 'T' || naiveAsUtc && text.charAt(10) == ' ')
                || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        if ((year | month | day | hour | minute | second) < 0) {
            return null;
        }
        int at = 19;
        int nanos = 0;
        if (at < length && text.charAt(at) == '.') {
            int start = ++at;
            while (at < length && at - start < 9 && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
                nanos = nanos * 10 + (text.charAt(at++) - '0');
            }
            if (at == start) {
                return null;
            }
            for (int i = at - start; i < 9; i++) {
                nanos *= 10;
            }
        }
        int offsetSeconds;
        if (naiveAsUtc && at == length) {
            offsetSeconds = 0;
        } else if (at == length - 1 && text.charAt(at) == 'Z') {
            offsetSeconds = 0;
        } else if (at == length - 6 && (text.charAt(at) == '+' || text.charAt(at) == '-') && text.charAt(at + 3) == ':') {
            int offsetHours = digits(text, at + 1, 2);
            int offsetMinutes = digits(text, at + 4, 2);
            if ((offsetHours | offsetMinutes) < 0 || offsetHours > 18 || offsetMinutes > 59
                    || (offsetHours == 18 && offsetMinutes > 0)) {
                return null;
            }
            offsetSeconds = (text.charAt(at) == '-' ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60);
        } else {
            return null;
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second, nanos)
                    .toInstant(ZoneOffset.ofTotalSeconds(offsetSeconds));
        } catch (DateTimeException invalid) {
            return null;
        }
    }

    /** The number written by {@code count} ASCII digits at {@code from}, or -1. */
    private static int digits(String text, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
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
