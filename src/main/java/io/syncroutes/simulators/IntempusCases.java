package io.syncroutes.simulators;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The cases of the Intempus simulator as Intempus keeps them: by id, every change taking the next 64-bit logical
 * timestamp, a new case starting from the fields of the reference payload. A sequence of calls that must see one
 * state holds its monitor.
 */
final class IntempusCases {

    static final String CASE_PATH = IntempusSimulator.BASE_PATH + "/case/";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TEMPLATE = """
            {"active": true, "all_employees_may_add_work_reports": true, "all_worktypes_may_used_in_work_reports": true,
             "case_group": null, "case_group_full": null, "case_state": null, "case_state_id": null, "case_state_name": null,
             "city": "", "co_responsible": null, "co_responsible_id": null, "co_responsible_name": null, "country": "",
             "creation_date": null, "creation_id": null, "customer": null, "customer_city": "", "customer_country": "DK",
             "customer_id": null, "customer_latitude": null, "customer_longitude": null, "customer_name": "Eksempelkunde",
             "customer_street_address": "Eksempelvej", "customer_zip_code": "", "department": null, "department_id": null,
             "department_name": null, "end_date": null, "file_upload_required": false, "geofence": false, "hour_budget": null,
             "id": null, "latitude": null, "logical_timestamp": null, "longitude": null, "name": null, "notes": "",
             "number": null, "number_of_children": 0, "parent": null, "parent_name": null, "permit_new_workreports": true,
             "priority": null, "remarks_required": false, "resource_uri": null, "responsible": null, "responsible_id": null,
             "responsible_name": null, "responsibles": [], "root_parent": null, "start_date": null, "street_address": "",
             "uuid": null, "zip_code": ""}""";
    /** Fields Intempus sets itself; a client's values for them are ignored. */
    private static final List<String> READ_ONLY = List.of("id", "logical_timestamp", "resource_uri", "customer_id", "creation_date");

    private final NavigableMap<Long, ObjectNode> cases = new TreeMap<>();
    private final ObjectNode template;
    private long clock = 9_100_000_000L;
    private long nextId = 9_600_000L;

    IntempusCases() {
        try {
            this.template = (ObjectNode) JSON.readTree(TEMPLATE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Adds {@code count} generated cases; returns their ids. */
    synchronized List<Long> generate(int count) {
        List<Long> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long id = nextId++;
            ObjectNode c = template.deepCopy();
            c.put("customer", "/web/v1/customer/6666940/").put("customer_id", "6666940")
                    .put("name", "Case " + id).put("number", String.valueOf(id)).put("creation_date", LocalDate.now().toString());
            stamp(c, id);
            ids.add(id);
        }
        return ids;
    }

    /** Adds a case as given (keeping its id and logical_timestamp when set); returns its id. */
    synchronized long put(ObjectNode given) {
        ObjectNode c = given.deepCopy();
        long id = c.path("id").canConvertToLong() && c.path("id").asLong() > 0 ? c.path("id").asLong() : nextId++;
        nextId = Math.max(nextId, id + 1);
        c.put("id", id).put("resource_uri", CASE_PATH + id + "/");
        if (c.path("logical_timestamp").canConvertToLong()) {
            clock = Math.max(clock, c.path("logical_timestamp").asLong());
        } else {
            c.put("logical_timestamp", ++clock);
        }
        cases.put(id, c);
        return id;
    }

    /** Stores a case exactly as given, even a malformed one; returns its id. */
    synchronized long putRaw(long id, ObjectNode given) {
        cases.put(id, given.deepCopy());
        return id;
    }

    /** Changes a case's name, giving it the next logical timestamp; false when it does not exist. */
    synchronized boolean touch(long id) {
        ObjectNode c = cases.get(id);
        if (c == null) {
            return false;
        }
        c.put("name", "Case " + id + " changed at " + (clock + 1));
        c.put("logical_timestamp", ++clock);
        return true;
    }

    /** Changes a case's field without giving it a new logical timestamp. */
    synchronized void setWithoutNewTimestamp(long id, String field, String value) {
        cases.get(id).put(field, value);
    }

    /** Removes a case; the logical timestamp moves on only when {@code byTheApi}. */
    synchronized boolean delete(long id, boolean byTheApi) {
        boolean removed = cases.remove(id) != null;
        if (removed && byTheApi) {
            clock++;
        }
        return removed;
    }

    /** The stored case itself (changed in place by {@link #update}), or null. */
    synchronized ObjectNode stored(long id) {
        return cases.get(id);
    }

    synchronized List<Long> ids() {
        return new ArrayList<>(cases.keySet());
    }

    synchronized int size() {
        return cases.size();
    }

    /** The highest logical timestamp given so far. */
    synchronized long logicalTimestamp() {
        return clock;
    }

    /** The cases in id order, only those changed after {@code after} when it is set. */
    synchronized List<ObjectNode> changedAfter(Long after) {
        List<ObjectNode> matching = new ArrayList<>();
        for (ObjectNode c : cases.values()) {
            if (after == null || c.get("logical_timestamp").asLong() > after) {
                matching.add(c);
            }
        }
        return matching;
    }

    /** A new case from a client's fields (read-only ones ignored); returns it as stored. */
    synchronized ObjectNode create(ObjectNode given) {
        ObjectNode c = template.deepCopy();
        merge(c, given);
        long id = nextId++;
        c.put("creation_date", LocalDate.now().toString());
        c.put("customer_id", c.get("customer").asText().replaceAll(".*/(\\d+)/?$", "$1"));
        stamp(c, id);
        return c;
    }

    /** A client's change of a stored case (read-only fields ignored), with the next logical timestamp. */
    synchronized void update(ObjectNode existing, ObjectNode given) {
        merge(existing, given);
        existing.put("logical_timestamp", ++clock);
    }

    /** Every case as id -> logical_timestamp. */
    synchronized Map<Long, Long> timestamps() {
        Map<Long, Long> map = new TreeMap<>();
        cases.forEach((id, c) -> map.put(id, c.get("logical_timestamp").asLong()));
        return map;
    }

    private void stamp(ObjectNode c, long id) {
        c.put("id", id).put("resource_uri", CASE_PATH + id + "/").put("logical_timestamp", ++clock);
        cases.put(id, c);
    }

    private static void merge(ObjectNode target, ObjectNode given) {
        given.fields().forEachRemaining(e -> {
            if (!READ_ONLY.contains(e.getKey())) {
                target.set(e.getKey(), e.getValue());
            }
        });
    }
}
