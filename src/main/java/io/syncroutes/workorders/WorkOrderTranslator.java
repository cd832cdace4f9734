package io.syncroutes.workorders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncroutes.shared.Dates;
import org.bson.Document;

import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Translates work orders between the customer format ({@code orderNo}, status flags, {@code summary}) and the
 * TracOS document ({@code number}, {@code status}, {@code title}/{@code description}), with UTC dates.
 */
public class WorkOrderTranslator {

    /** TracOS status for each customer flag, in precedence order; {@code pending} when none is set. */
    private static final Map<String, String> STATUS_BY_FLAG = new LinkedHashMap<>();

    static {
        STATUS_BY_FLAG.put("isCanceled", "cancelled");
        STATUS_BY_FLAG.put("isDone", "completed");
        STATUS_BY_FLAG.put("isOnHold", "on_hold");
        STATUS_BY_FLAG.put("isActive", "in_progress");
        STATUS_BY_FLAG.put("isPending", "pending");
    }

    /** The TracOS fields for a customer record that passed the schema (without {@code _id}); {@code isSynced} is false. */
    public Document toTracos(JsonNode customer) {
        String summary = customer.path("summary").asText(null);
        Document doc = new Document();
        doc.put("number", number(customer.get("orderNo").longValue()));
        doc.put("status", status(customer));
        doc.put("title", summary);
        doc.put("description", summary);
        doc.put("createdAt", Dates.toBsonDate(customer.get("creationDate").asText()));
        doc.put("updatedAt", Dates.toBsonDate(customer.get("lastUpdateDate").asText()));
        doc.put("deleted", customer.path("isDeleted").asBoolean(false));
        doc.put("deletedAt", Dates.toBsonDate(textOrNull(customer.get("deletedDate"))));
        doc.put("isSynced", false);
        return doc;
    }

    /**
     * The customer record for a TracOS document: exactly one status flag true, dates as UTC ISO-8601.
     *
     * @throws IllegalArgumentException with the reason when the document cannot be translated
     */
    public ObjectNode toCustomer(Document doc) {
        Object number = doc.get("number");
        if (!(number instanceof Integer || number instanceof Long)) {
            throw new IllegalArgumentException("number must be an integer, found " + describe(number));
        }
        String status = doc.get("status") instanceof String s ? s : null;
        if (status == null || !STATUS_BY_FLAG.containsValue(status)) {
            throw new IllegalArgumentException("unknown status " + describe(doc.get("status"))
                    + ", expected one of " + STATUS_BY_FLAG.values());
        }
        Object description = doc.get("description") != null ? doc.get("description") : doc.get("title");
        if (description != null && !(description instanceof String)) {
            throw new IllegalArgumentException("description must be a string, found " + describe(description));
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("orderNo", ((Number) number).longValue());
        out.put("isActive", "in_progress".equals(status));
        out.put("isCanceled", "cancelled".equals(status));
        out.put("isDeleted", Boolean.TRUE.equals(doc.get("deleted")));
        out.put("isDone", "completed".equals(status));
        out.put("isOnHold", "on_hold".equals(status));
        out.put("isPending", "pending".equals(status));
        out.put("isSynced", Boolean.TRUE.equals(doc.get("isSynced")));
        out.put("summary", (String) description);
        out.put("creationDate", Dates.isoUtc(date(doc, "createdAt", true)));
        out.put("lastUpdateDate", Dates.isoUtc(date(doc, "updatedAt", true)));
        out.put("deletedDate", Dates.isoUtc(date(doc, "deletedAt", false)));
        return out;
    }

    private static String status(JsonNode customer) {
        return STATUS_BY_FLAG.entrySet().stream()
                .filter(e -> !"isPending".equals(e.getKey()) && customer.path(e.getKey()).asBoolean(false))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse("pending");
    }

    private static Object number(long value) {
        return value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE ? (Object) (int) value : (Object) value;
    }

    private static String textOrNull(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }

    private static Date date(Document doc, String field, boolean required) {
        Object value = doc.get(field);
        if (value instanceof Date date) {
            return date;
        }
        if (value == null && !required) {
            return null;
        }
        if (value instanceof String text) {
            try {
                return Dates.toBsonDate(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(field + ": " + e.getMessage());
            }
        }
        throw new IllegalArgumentException(field + " must be a date, found " + describe(value));
    }

    private static String describe(Object value) {
        return value == null ? "nothing" : "'" + value + "' (" + value.getClass().getSimpleName() + ")";
    }
}
