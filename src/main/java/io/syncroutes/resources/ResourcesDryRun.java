package io.syncroutes.resources;

import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.WriteModel;
import io.syncroutes.shared.DryRunPlan;
import io.syncroutes.shared.FlowState;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A resource's dry run: each batch of lines is compared with the stored rows instead of written (a row stored is
 * updated, one not stored created, a deleted line's row deleted), and a full reload names the stored rows it did not
 * see, which the real run deletes. Nothing is written; the plan counts as the real run's bulk writes would.
 */
final class ResourcesDryRun {

    private final DryRunPlan plan;
    /** The ids of the lines of a full reload, to name the stored rows it would delete. */
    private final Set<BsonValue> seen = new HashSet<>();

    ResourcesDryRun(DryRunPlan plan) {
        this.plan = plan;
    }

    DryRunPlan plan() {
        return plan;
    }

    /** What one batch's bulk write would do to {@code rows}. */
    void batch(List<WriteModel<Document>> batch, MongoCollection<Document> rows, boolean sweep) {
        List<BsonValue> ids = new ArrayList<>(batch.size());
        for (WriteModel<Document> model : batch) {
            ids.add(id(model));
        }
        Set<BsonValue> stored = new HashSet<>();
        rows.withDocumentClass(BsonDocument.class).find(Filters.in("_id", ids)).projection(Projections.include("_id"))
                .forEach(row -> stored.add(row.get("_id")));
        for (int i = 0; i < batch.size(); i++) {
            BsonValue id = ids.get(i);
            if (batch.get(i) instanceof DeleteOneModel) {
                if (stored.contains(id)) {
                    plan.add("deleted", RowKeys.text(id));
                }
            } else {
                plan.add(stored.contains(id) ? "updated" : "created", RowKeys.text(id));
                if (sweep) {
                    seen.add(id);
                }
            }
        }
    }

    /** The stored rows a full reload did not see: the real run deletes them after its writes. */
    private void sweep(MongoCollection<Document> rows) {
        rows.withDocumentClass(BsonDocument.class).find().projection(Projections.include("_id")).forEach(row -> {
            if (!seen.contains(row.get("_id"))) {
                plan.add("deleted", RowKeys.text(row.get("_id")));
            }
        });
    }

    /** Ends the dry run of a resource: its plan, with the count the collection would have after the real run. */
    String finish(ResourceRun run, MongoCollection<Document> rows, long remote, FlowState flow) {
        if (run.sweep()) {
            sweep(rows);
        }
        long local = rows.estimatedDocumentCount();
        long after = local + plan.count("created") - plan.count("deleted");
        if (after != remote) {
            plan.error("count mismatch", "local would have " + after + " rows, Focus " + remote + ": the real run would ask for a full reload next");
        }
        run.stats().finish();
        run.stats().errors().forEach(plan::error);
        flow.planFinished(plan.finish(), run.stats());
        return plan.summary() + " (local " + local + " -> " + after + " rows, Focus " + remote + ")";
    }

    private static BsonValue id(WriteModel<Document> model) {
        Bson filter = model instanceof ReplaceOneModel<Document> replace ? replace.getFilter() : ((DeleteOneModel<Document>) model).getFilter();
        return filter.toBsonDocument(Document.class, MongoClientSettings.getDefaultCodecRegistry()).get("_id");
    }
}
