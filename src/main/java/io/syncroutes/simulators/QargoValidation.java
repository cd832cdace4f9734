package io.syncroutes.simulators;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The checks Qargo's FastAPI models make on one request, collected as FastAPI reports them: 422
 * {@code {"detail": [{type, loc, msg, input, ctx}]}} (HTTPValidationError in the OpenAPI). Also builds the 400
 * body Qargo documents for its own refusals ({@code {message, errors: [{message, field, path, detail}]}}).
 */
final class QargoValidation {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Qargo's UnavailabilityReason enum (OpenAPI, 2025). */
    static final List<String> REASONS = List.of("DRIVER_FUNERAL", "DRIVER_HOLIDAY", "DRIVER_JOB_APPLICATION_LEAVE",
            "DRIVER_LATE_START_EARLY_LEAVE", "DRIVER_MEDICAL_EXAM", "DRIVER_OFF_SHIFT_PATTERN", "DRIVER_OTHER",
            "DRIVER_PARENTAL_LEAVE", "DRIVER_PUBLIC_HOLIDAY", "DRIVER_RECUP", "DRIVER_REDUCED_WORKING_HOURS_SCHEME",
            "DRIVER_SHIFT_PATTERN", "DRIVER_SICKNESS", "DRIVER_SOCIAL_LEAVE", "DRIVER_TEMPORARY_UNEMPLOYMENT", "DRIVER_TRAINING",
            "DRIVER_UNAUTHORISED_ABSENCE", "DRIVER_UNION_LEAVE", "DRIVER_WORK_ACCIDENT", "VEHICLE_BRAKE_TEST", "VEHICLE_CLEANING",
            "VEHICLE_FRC_CERTIFICATE", "VEHICLE_HIRE", "VEHICLE_HYDRAULIC_INSPECTION", "VEHICLE_INSPECTION",
            "VEHICLE_LIFT_OPS_EQUIP_REGULATIONS", "VEHICLE_MAINTENANCE", "VEHICLE_MOT_TEST", "VEHICLE_OFF_ROAD", "VEHICLE_OTHER",
            "VEHICLE_PRESSURE_TEST", "VEHICLE_REPAIR", "VEHICLE_SERVICE", "VEHICLE_TACHOGRAPH_CALIBRATION",
            "SUBCONTRACTOR_HOLIDAY", "SUBCONTRACTOR_SICKNESS", "SUBCONTRACTOR_OTHER");
    private static final String EXPECTED_REASON = REASONS.stream().map(r -> "'" + r + "'").collect(Collectors.joining(", "));

    private final ArrayNode details = JSON.createArrayNode();

    /** Whether a check failed: the request is answered 422 with {@link #body()}. */
    boolean failed() {
        return !details.isEmpty();
    }

    /** The 422 body. */
    String body() {
        return JSON.createObjectNode().set("detail", details).toString();
    }

    /** A path parameter declared as a UUID. */
    void uuid(String name, String value) {
        try {
            UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            detail("uuid_parsing", List.of("path", name), "Input should be a valid UUID, invalid character or length",
                    JSON.getNodeFactory().textNode(value), "invalid character or length");
        }
    }

    /** An optional {@code datetime} query parameter: its instant, or null when absent or refused. */
    Instant queryDateTime(String name, String value) {
        return value == null ? null : dateTime(List.of("query", name), JSON.getNodeFactory().textNode(value));
    }

    /**
     * A body as ResourceUnavailabilityInput (start_time and reason required; end_time, external_id and description
     * optional): what Qargo stores and lists (datetimes in UTC), or null when refused.
     */
    ObjectNode unavailability(String body) {
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            int position = e.getLocation() == null ? 0 : (int) Math.max(0, e.getLocation().getCharOffset());
            detail("json_invalid", List.of("body", position), "JSON decode error",
                    JSON.createObjectNode(), e.getOriginalMessage());
            return null;
        }
        if (!(node instanceof ObjectNode input)) {
            detail("model_attributes_type", List.of("body"), "Input should be a valid dictionary or object to extract fields from", node, null);
            return null;
        }
        ObjectNode stored = JSON.createObjectNode();
        stored.set("external_id", optionalString(input, "external_id"));
        Instant start = required(input, "start_time") ? dateTime(List.of("body", "start_time"), input.get("start_time")) : null;
        stored.put("start_time", start == null ? null : start.toString());
        Instant end = input.hasNonNull("end_time") ? dateTime(List.of("body", "end_time"), input.get("end_time")) : null;
        stored.put("end_time", end == null ? null : end.toString());
        if (required(input, "reason") && !(input.get("reason").isTextual() && REASONS.contains(input.get("reason").asText()))) {
            detail("enum", List.of("body", "reason"), "Input should be " + EXPECTED_REASON, input.get("reason"), null);
        }
        stored.set("reason", input.get("reason"));
        stored.set("description", optionalString(input, "description"));
        return failed() ? null : stored;
    }

    /** The 400 body Qargo documents (ValidationErrorResponse) for one refused field. */
    static String badRequest(String message, String field) {
        ObjectNode body = JSON.createObjectNode().put("message", message);
        body.putArray("errors").addObject().put("message", message).put("field", field).putNull("path").putNull("detail");
        return body.toString();
    }

    private boolean required(ObjectNode input, String field) {
        if (!input.has(field)) {
            detail("missing", List.of("body", field), "Field required", input, null);
            return false;
        }
        return true;
    }

    private JsonNode optionalString(ObjectNode input, String field) {
        JsonNode value = input.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return JSON.getNodeFactory().nullNode();
        }
        if (!value.isTextual()) {
            detail("string_type", List.of("body", field), "Input should be a valid string", value, null);
        }
        return value;
    }

    private Instant dateTime(List<Object> loc, JsonNode value) {
        if (!value.isTextual() && !value.isNumber()) {
            detail("datetime_type", loc, "Input should be a valid datetime", value, null);
            return null;
        }
        try {
            return FastApiDateTime.parse(value.isNumber() ? value.decimalValue().toPlainString() : value.asText());
        } catch (FastApiDateTime.Invalid e) {
            detail("datetime_from_date_parsing", loc, "Input should be a valid datetime or date, " + e.getMessage(), value, e.getMessage());
            return null;
        }
    }

    private void detail(String type, List<Object> loc, String msg, JsonNode input, String error) {
        ObjectNode detail = details.addObject().put("type", type);
        ArrayNode where = detail.putArray("loc");
        loc.forEach(part -> {
            if (part instanceof Integer index) {
                where.add(index);
            } else {
                where.add(part.toString());
            }
        });
        detail.put("msg", msg).set("input", input);
        if (error != null) {
            detail.putObject("ctx").put("error", error);
        }
    }
}
