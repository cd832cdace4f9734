package io.syncroutes.products;

import com.networknt.schema.JsonNodePath;
import com.networknt.schema.ValidationMessage;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Words the product schema's findings as an operator reads them in a dead-letter header, one reason per key, e.g.
 * {@code productElements[0].Lenght is missing} or {@code productElements[2].Status is empty}: every problem of the
 * message, top-level keys first, then the elements in order.
 */
final class ProductMessageReasons {

    /** Above this length the list is cut (an AMQP header has to fit in one frame); the count of the rest is kept. */
    static final int MAX_LENGTH = 4_000;

    /** The schema definition whose failure means "null or blank" (see product-message.schema.json). */
    private static final String FILLED = "#/$defs/filled/not";

    private ProductMessageReasons() {
    }

    /** The reasons, in message order; a key that is missing or empty gets only that reason. */
    static List<String> of(Collection<ValidationMessage> findings) {
        List<ValidationMessage> ordered = new ArrayList<>(findings);
        ordered.sort(Comparator.comparing(finding -> indices(finding.getInstanceLocation()), ProductMessageReasons::compareIndices));
        Map<String, List<String>> byKey = new LinkedHashMap<>();
        Map<String, String> missingOrEmpty = new HashMap<>();
        for (ValidationMessage finding : ordered) {
            String where = name(finding.getInstanceLocation());
            if ("required".equals(finding.getType())) {
                String key = where.isEmpty() ? finding.getProperty() : where + "." + finding.getProperty();
                byKey.putIfAbsent(key, new ArrayList<>());
                missingOrEmpty.put(key, key + " is missing");
            } else if (finding.getSchemaLocation().toString().endsWith(FILLED)) {
                byKey.putIfAbsent(where, new ArrayList<>());
                missingOrEmpty.put(where, where + " is empty");
            } else {
                byKey.computeIfAbsent(where, k -> new ArrayList<>()).add((where.isEmpty() ? "message" : where) + ": " + finding.getError());
            }
        }
        List<String> reasons = new ArrayList<>();
        byKey.forEach((key, said) -> {
            if (missingOrEmpty.containsKey(key)) {
                reasons.add(missingOrEmpty.get(key));
            } else {
                reasons.addAll(said);
            }
        });
        return reasons;
    }

    /** The reasons joined with "; ", cut after {@link #MAX_LENGTH} characters with the number of those left out. */
    static String join(List<String> reasons) {
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < reasons.size(); i++) {
            if (joined.length() + reasons.get(i).length() > MAX_LENGTH) {
                return joined.append("; and ").append(reasons.size() - i).append(" more").toString();
            }
            joined.append(i == 0 ? "" : "; ").append(reasons.get(i));
        }
        return joined.toString();
    }

    /** A location as {@code productElements[2].Status} (no leading {@code $}, keys unquoted). */
    private static String name(JsonNodePath path) {
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < path.getNameCount(); i++) {
            Object element = path.getElement(i);
            if (element instanceof Integer index) {
                name.append('[').append(index).append(']');
            } else {
                name.append(name.isEmpty() ? "" : ".").append(element);
            }
        }
        return name.toString();
    }

    private static List<Integer> indices(JsonNodePath path) {
        List<Integer> indices = new ArrayList<>();
        for (int i = 0; i < path.getNameCount(); i++) {
            if (path.getElement(i) instanceof Integer index) {
                indices.add(index);
            }
        }
        return indices;
    }

    private static int compareIndices(List<Integer> a, List<Integer> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = Integer.compare(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }
}
