package io.syncroutes.workorders;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import io.syncroutes.shared.DryRunPlan;
import io.syncroutes.shared.FlowState;
import io.syncroutes.shared.JsonSchemaValidator;
import org.bson.Document;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The work-order flow's dry run (SYNC_DRY_RUN): the files at rest in the inbound folder are read, validated and
 * translated as an import reads them and compared with the stored versions (newest wins), then the export's
 * documents are counted; nothing is written, moved or marked. The plan: records inserted, updated, stale and rejected,
 * files to done and to error, work orders exported.
 */
public final class WorkOrderPlan {

    /** Numbers per stored-version query. */
    private static final int NUMBERS_PER_QUERY = 1000;

    private final JsonSchemaValidator validator;
    private final Path inbound;
    private final Path errorDir;
    private final long atRestMs;
    private final MongoCollection<Document> workorders;
    private final FlowState state;
    /** The inbound folder's names and times at the last plan: an unchanged folder is not planned again by the timer. */
    private volatile String lastListing = "";

    WorkOrderPlan(JsonSchemaValidator validator, Path inbound, Path errorDir, long atRestMs, MongoCollection<Document> workorders, FlowState state) {
        this.validator = validator;
        this.inbound = inbound;
        this.errorDir = errorDir;
        this.atRestMs = atRestMs;
        this.workorders = workorders;
        this.state = state;
    }

    /** The timer's plan: only when the inbound folder changed since the last one (null otherwise). */
    public String planIfChanged() throws IOException {
        File[] listed = files();
        return listing(listed).equals(lastListing) ? null : plan(listed);
    }

    /** Plans an import of the files at rest in the inbound folder now, then an export; returns the plan's line. */
    public String plan() throws IOException {
        return plan(files());
    }

    private String plan(File[] listed) throws IOException {
        DryRunPlan plan = new DryRunPlan("workorders", "work orders: import of " + inbound + " and export",
                "inserted", "updated", "stale", "rejected", "filesToDone", "filesToError", "exported");
        InboundFiles files = new InboundFiles(validator, new WorkOrderTranslator(), errorDir, plan);
        lastListing = listing(listed);
        BulkWrite newest = new BulkWrite();
        long now = System.currentTimeMillis();
        for (File path : listed) {
            if (now - path.lastModified() < atRestMs) {
                // still being written, as far as anyone can tell: an import leaves it for a later poll too
                plan.add("filesNotAtRest", path.getName());
                continue;
            }
            read(files.open(path), newest, plan);
        }
        Set<Object> changed = new LinkedHashSet<>();
        List<PendingRecord> records = new ArrayList<>(newest.byNumber.values());
        for (int from = 0; from < records.size(); from += NUMBERS_PER_QUERY) {
            List<PendingRecord> some = records.subList(from, Math.min(records.size(), from + NUMBERS_PER_QUERY));
            Map<Object, Date> stored = new HashMap<>();
            workorders.find(Filters.in("number", some.stream().map(PendingRecord::number).toList())).projection(StoredVersions.FIELDS)
                    .forEach(doc -> stored.merge(doc.get("number"), doc.getDate("updatedAt"), (a, b) -> a.after(b) ? a : b));
            for (PendingRecord record : some) {
                Date current = stored.get(record.number());
                if (!record.staleAgainst(current)) {
                    plan.add(current == null ? "inserted" : "updated", record.number());
                    changed.add(record.number());
                }
            }
        }
        workorders.find(Filters.ne("isSynced", true)).projection(Projections.include("number")).sort(Sorts.ascending("_id"))
                .forEach(doc -> changed.add(doc.get("number")));
        changed.forEach(number -> plan.add("exported", "workorder_" + number + ".json"));
        return state.planFinished(plan.finish());
    }

    /** Reads one file's records into {@code newest} (older versions are stale); a file that cannot be read goes to error. */
    private static void read(InboundFile file, BulkWrite newest, DryRunPlan plan) {
        try {
            for (PendingRecord record = file.next(); record != null; record = file.next()) {
                if (record != InboundFile.REJECTED) {
                    newest.add(record);
                }
            }
            plan.add("filesToDone", file.name());
        } catch (IOException | RuntimeException e) {
            file.failed(e);
            if (file.incomplete != null) {
                plan.add("filesLeftIncomplete", file.name() + ": " + file.incomplete);
            } else {
                plan.add("filesToError", file.name() + ": " + file.failed);
            }
        } finally {
            file.closeQuietly();
        }
    }

    private static String listing(File[] files) {
        StringBuilder listing = new StringBuilder();
        for (File file : files) {
            listing.append(file.getName()).append('@').append(file.lastModified()).append(':').append(file.length()).append('/');
        }
        return listing.toString();
    }

    private File[] files() {
        File[] listed = inbound.toFile().listFiles(f -> f.isFile() && f.getName().endsWith(".json") && !f.getName().startsWith("."));
        if (listed == null) {
            return new File[0];
        }
        Arrays.sort(listed, Comparator.comparing(File::getName));
        return listed;
    }
}
