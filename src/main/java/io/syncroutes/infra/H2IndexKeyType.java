package io.syncroutes.infra;

import de.bwaldvogel.mongo.backend.KeyValue;
import org.h2.mvstore.type.ObjectDataType;

import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The key type of the embedded H2 store's unique indexes: H2's own {@link ObjectDataType}, keeping its order, but
 * faster. H2 orders keys it does not know (mongo-java-server's {@link KeyValue}) by their Java-serialized bytes and
 * serialized both keys of every comparison again: a lookup in an index of 100,000 keys serialized some 40 objects,
 * most of the embedded server's time per upsert. Here the bytes of a key of one value that serializes the same
 * whenever it is equal (a string, number, boolean, date or ObjectId) are serialized once and kept (up to
 * {@value #MAX_CACHED_BYTES} bytes in all, then forgotten at once); any other key is serialized each time, as
 * before. The order, so a store written before, is unchanged: the same bytes are compared the same way.
 */
final class H2IndexKeyType extends ObjectDataType {

    /** The cached bytes of all indexes together are dropped once they pass this. */
    static final long MAX_CACHED_BYTES = 16L * 1024 * 1024;

    private static final Map<KeyValue, byte[]> SERIALIZED = new ConcurrentHashMap<>();
    private static final AtomicLong CACHED_BYTES = new AtomicLong();

    @Override
    public int compare(Object a, Object b) {
        if (a instanceof KeyValue first && b instanceof KeyValue second) {
            // as H2's SerializedObjectType: the same object is equal, others compare by their serialized bytes
            return a == b ? 0 : compareNotNull(bytes(first), bytes(second));
        }
        return super.compare(a, b);
    }

    /** The key's Java-serialized bytes, as H2 compares them. */
    static byte[] bytes(KeyValue key) {
        if (!cacheable(key)) {
            return serialize(key);
        }
        byte[] bytes = SERIALIZED.get(key);
        if (bytes == null) {
            bytes = serialize(key);
            if (CACHED_BYTES.addAndGet(bytes.length) > MAX_CACHED_BYTES) {
                SERIALIZED.clear();
                CACHED_BYTES.set(bytes.length);
            }
            SERIALIZED.put(key, bytes);
        }
        return bytes;
    }

    /** Whether this key's bytes are kept (for the tests). */
    static boolean kept(KeyValue key) {
        return SERIALIZED.containsKey(key);
    }

    /**
     * Whether keys equal to this one always serialize to the same bytes: one value (of two, the second may be
     * written as a reference to the first, the same object), null or of a type whose equality means equal
     * serialized forms (not, e.g., documents, equal in any field order).
     */
    private static boolean cacheable(KeyValue key) {
        if (key.size() != 1) {
            return false;
        }
        Object value = key.get(0);
        if (value == null) {
            return true;
        }
        Class<?> type = value.getClass();
        // numbers come normalized (an integer a double holds exactly becomes a Double); Double equality and its
        // serialized form both go by doubleToLongBits
        return type == String.class || type == Double.class || type == Long.class || type == Integer.class
                || type == Boolean.class || type == Date.class || type == de.bwaldvogel.mongo.bson.ObjectId.class;
    }
}
