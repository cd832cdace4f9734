package io.syncroutes.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bson.Document;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** The soak's final checks: what each input became, the remote copies, and whether memory, threads and fds stayed flat. */
final class SoakChecks {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One line of the table. */
    record Check(String name, String expected, String found, boolean passed) {
    }

    private final List<Check> checks = new ArrayList<>();

    List<Check> all() {
        return List.copyOf(checks);
    }

    boolean passed() {
        return checks.stream().allMatch(Check::passed);
    }

    void add(String name, String expected, String found, boolean passed) {
        checks.add(new Check(name, expected, found, passed));
    }

    /** Every valid work order stored with its newest version, and exported with it. */
    void workOrders(SoakApp app, SoakLoad load) throws IOException {
        Map<Integer, Document> stored = new HashMap<>();
        for (Document doc : app.db().getCollection("workorders").find()) {
            stored.put(((Number) doc.get("number")).intValue(), doc);
        }
        List<String> wrong = new ArrayList<>();
        List<String> notExported = new ArrayList<>();
        load.newest.forEach((number, version) -> {
            Document doc = stored.get(number);
            String summary = load.sent.get(number).get(version);
            if (doc == null || ((Date) doc.get("updatedAt")).getTime() != version || !summary.equals(doc.getString("title"))) {
                wrong.add(number + (doc == null ? " missing" : " at " + doc.get("updatedAt")));
            }
            Path file = app.work.resolve("outbound").resolve("workorder_" + number + ".json");
            try {
                JsonNode exported = Files.exists(file) ? JSON.readTree(file.toFile()) : null;
                if (exported == null || Instant.parse(exported.path("lastUpdateDate").asText()).toEpochMilli() != version) {
                    notExported.add(String.valueOf(number));
                }
            } catch (IOException | RuntimeException e) {
                notExported.add(number + " (" + e.getMessage() + ")");
            }
        });
        add("work orders stored, newest version", load.newest.size() + " of " + load.records + " valid records",
                (load.newest.size() - wrong.size()) + (wrong.isEmpty() ? "" : ", wrong: " + first(wrong)), wrong.isEmpty());
        long extra = stored.keySet().stream().filter(n -> !load.newest.containsKey(n)).count();
        add("no work order that was not sent", "0", String.valueOf(extra), extra == 0);
        add("work orders exported, newest version", String.valueOf(load.newest.size()),
                (load.newest.size() - notExported.size()) + (notExported.isEmpty() ? "" : ", not: " + first(notExported)), notExported.isEmpty());
    }

    /** Every bad record in a {@code .rejected.ndjson} with a reason, every broken file in error with its {@code .error.json}. */
    void rejections(SoakApp app, SoakLoad load) throws IOException {
        Path error = app.work.resolve("error");
        Set<String> rejected = new HashSet<>();
        long stale = 0;
        try (Stream<Path> files = Files.list(error)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".rejected.ndjson")).toList()) {
                for (String line : Files.readAllLines(file)) {
                    JsonNode entry = JSON.readTree(line);
                    if (entry.path("reasons").isEmpty()) {
                        continue;
                    }
                    JsonNode orderNo = entry.path("record").path("orderNo");
                    if (orderNo.isTextual()) {
                        rejected.add(orderNo.asText());
                    } else {
                        stale++;
                    }
                }
            }
        }
        Set<String> missing = new HashSet<>(load.badRecords);
        missing.removeAll(rejected);
        add("bad records in error with a reason", String.valueOf(load.badRecords.size()),
                (load.badRecords.size() - missing.size()) + (missing.isEmpty() ? "" : ", missing: " + first(new ArrayList<>(missing)))
                        + " (beside " + stale + " older versions, rejected as stale)", missing.isEmpty());
        List<String> badFilesMissing = new ArrayList<>();
        for (String name : load.badFiles) {
            Path sidecar = error.resolve(name + ".error.json");
            if (!Files.exists(error.resolve(name)) || !Files.exists(sidecar) || JSON.readTree(sidecar.toFile()).path("reason").asText().isBlank()) {
                badFilesMissing.add(name);
            }
        }
        add("broken files in error with a reason", String.valueOf(load.badFiles.size()),
                (load.badFiles.size() - badFilesMissing.size()) + (badFilesMissing.isEmpty() ? "" : ", missing: " + first(badFilesMissing)),
                badFilesMissing.isEmpty());
    }

    /** Every valid product at Ivanti; the dead-letter queue holds the invalid ones and nothing else. */
    void products(SoakRemotes remotes, SoakLoad load, List<String> deadLetters, long queued) {
        Set<String> delivered = remotes.ivanti.products().keySet();
        List<String> missing = load.validProducts.stream().filter(id -> !delivered.contains(id)).sorted().toList();
        add("valid products delivered to Ivanti", String.valueOf(load.validProducts.size()),
                (load.validProducts.size() - missing.size()) + (missing.isEmpty() ? "" : ", missing: " + first(missing)), missing.isEmpty());
        Set<String> dead = new HashSet<>(deadLetters);
        boolean exact = dead.equals(load.invalidProducts) && deadLetters.size() == dead.size();
        List<String> unexpected = deadLetters.stream().filter(id -> !load.invalidProducts.contains(id)).toList();
        add("dead letters = the invalid products", String.valueOf(load.invalidProducts.size()),
                deadLetters.size() + (unexpected.isEmpty() ? "" : ", unexpected: " + first(unexpected)), exact);
        add("products queue empty", "0", String.valueOf(queued), queued == 0);
    }

    void remoteCopy(String name, long size, List<String> differing) {
        add(name + " equal to the simulator's", String.valueOf(size),
                differing.isEmpty() ? "equal" : differing.size() + " differ: " + first(differing), differing.isEmpty());
    }

    /** No file in inbound older than {@code maxAgeMs}. */
    void inbound(Path inbound, long maxAgeMs) throws IOException {
        long now = System.currentTimeMillis();
        List<String> old = new ArrayList<>();
        try (Stream<Path> files = Files.list(inbound)) {
            for (Path file : files.toList()) {
                if (now - Files.getLastModifiedTime(file).toMillis() > maxAgeMs) {
                    old.add(file.getFileName().toString());
                }
            }
        }
        add("no file older than 2 polls in inbound", "0", old.size() + (old.isEmpty() ? "" : ": " + first(old)), old.isEmpty());
    }

    /** A figure within {@code share} of its reference (both medians of samples). */
    void flat(String name, double reference, double end, double share, String unit) {
        boolean ok = !Double.isNaN(reference) && !Double.isNaN(end) && Math.abs(end - reference) <= share * reference;
        add(name + " within ±" + Math.round(share * 100) + " %", String.format(Locale.ROOT, "%.1f %s", reference, unit),
                String.format(Locale.ROOT, "%.1f %s (%+.1f %%)", end, unit, 100 * (end - reference) / reference), ok);
    }

    private static String first(List<String> items) {
        return items.size() <= 5 ? items.toString() : items.subList(0, 5) + " and " + (items.size() - 5) + " more";
    }

    /** The table as text. */
    String table() {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "| %-48s | %-26s | %-44s | %-3s |%n", "check", "expected", "found", "ok"));
        out.append(String.format(Locale.ROOT, "|%s|%s|%s|%s|%n", "-".repeat(50), "-".repeat(28), "-".repeat(46), "-".repeat(5)));
        for (Check check : checks) {
            out.append(String.format(Locale.ROOT, "| %-48s | %-26s | %-44s | %-3s |%n", check.name(), check.expected(), check.found(),
                    check.passed() ? "yes" : "NO"));
        }
        return out.toString();
    }
}
