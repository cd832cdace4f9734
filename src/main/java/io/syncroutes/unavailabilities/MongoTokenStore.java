package io.syncroutes.unavailabilities;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import io.syncroutes.shared.TokenStore;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Date;
import java.util.Optional;

/**
 * Keeps one environment's Qargo token in MongoDB ({@code qargo_tokens}, one document per environment and client
 * id), so a restart reuses it instead of spending one of the 5 token requests Qargo allows per hour. A MongoDB
 * failure is logged and the token still serves from memory.
 */
public final class MongoTokenStore implements TokenStore {

    /** The collection (in MONGO_DATABASE) keeping both environments' tokens. */
    static final String COLLECTION = "qargo_tokens";
    private static final Logger LOG = LoggerFactory.getLogger(MongoTokenStore.class);

    private final MongoCollection<Document> collection;
    private final String key;

    /** @param key environment and client id, e.g. {@code master:client-1} */
    public MongoTokenStore(MongoCollection<Document> collection, String key) {
        this.collection = collection;
        this.key = key;
    }

    @Override
    public Optional<StoredToken> load() {
        try {
            Document document = collection.find(Filters.eq("_id", key)).first();
            if (document == null || document.getString("token") == null || document.getDate("expiresAt") == null) {
                return Optional.empty();
            }
            return Optional.of(new StoredToken(document.getString("token"), document.getDate("expiresAt").toInstant()));
        } catch (MongoException e) {
            LOG.warn("Qargo token of {} could not be read from MongoDB ({}); a new one is fetched", key, e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public void save(StoredToken token) {
        try {
            collection.replaceOne(Filters.eq("_id", key), new Document("_id", key).append("token", token.value())
                    .append("expiresAt", Date.from(token.expiresAt())).append("savedAt", new Date()), new ReplaceOptions().upsert(true));
        } catch (MongoException e) {
            LOG.warn("Qargo token of {} could not be kept in MongoDB ({}); it serves from memory until the app stops", key, e.getMessage());
        }
    }
}
