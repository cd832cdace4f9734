package io.syncroutes.resources;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import io.syncroutes.shared.Provenance;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each resource's collection, made ready once before its first run: its index on the cursor columns, and where the
 * provenance of its rows is asked ({@code /observe/provenance/resources-<name>/<key>}).
 */
final class ResourceCollections {

    private static final Logger LOG = LoggerFactory.getLogger(ResourcesSync.class);

    private final Set<String> ready = ConcurrentHashMap.newKeySet();
    private volatile Provenance provenance;

    void provenance(Provenance provenance) {
        this.provenance = provenance;
    }

    void ensureReady(FocusResource resource, MongoCollection<Document> rows) {
        if (ready.contains(resource.collection())) {
            return;
        }
        // rows are keyed by the primary key as _id (unique by itself); one index on the cursor columns
        if (!resource.cursorColumns().isEmpty()) {
            try {
                rows.createIndex(Indexes.ascending(resource.cursorColumns()), new IndexOptions().name("cursor"));
            } catch (RuntimeException e) {
                LOG.info("Focus {}: no index on {} ({}); the delta timestamp is kept in {} anyway", resource.name(),
                        resource.cursorColumns(), e.getMessage(), ResourcesSync.STATE_COLLECTION);
            }
        }
        Provenance asked = provenance;
        if (asked != null) {
            asked.source("resources-" + resource.name(), key -> {
                Document row = rows.find(Filters.eq("_id", RowKeys.value(key))).projection(Projections.include(Provenance.FIELD)).first();
                return row == null ? null : row.get(Provenance.FIELD, Document.class);
            });
        }
        ready.add(resource.collection());
    }
}
