package io.syncroutes.infra;

import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.bson.ObjectId;
import org.bson.Document;
import org.h2.mvstore.type.ObjectDataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The embedded store's index keys keep H2's own order (their serialized bytes), so that a store written before
 * (or by mongo-java-server's own H2 backend) is read and written on correctly, and back.
 */
class H2IndexKeyTypeTest {

    @TempDir
    Path tmp;

    @Test
    void keysCompareAsH2ComparesThemEvenOnceTheirBytesAreKept() {
        Random random = new Random(42);
        List<KeyValue> keys = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            long n = random.nextLong() >> random.nextInt(63);
            keys.add(new KeyValue(n));
            keys.add(new KeyValue((int) n));
            keys.add(new KeyValue("WO-" + n));
            keys.add(new KeyValue(new Date(Math.abs(n) % 4_000_000_000_000L)));
            keys.add(new KeyValue(n, "WO-" + i));
            keys.add(new KeyValue((double) n));
        }
        keys.add(new KeyValue(new ObjectId()));
        keys.add(new KeyValue(new ObjectId()));
        keys.add(new KeyValue(true));
        keys.add(new KeyValue(false));
        keys.add(new KeyValue(Missing.getInstance()));
        keys.add(new KeyValue(Collections.singletonList(null)));
        keys.add(new KeyValue(new de.bwaldvogel.mongo.bson.Document("a", 1).append("b", 2)));
        keys.add(new KeyValue(new de.bwaldvogel.mongo.bson.Document("b", 2).append("a", 1)));
        // equal keys that are not the same object
        keys.add(new KeyValue(7L));
        keys.add(new KeyValue(7L));
        // equal keys of two values that serialize differently: the second value a reference to the first, or not
        String same = "WO-1";
        keys.add(new KeyValue(same, same));
        keys.add(new KeyValue(same, new String(same)));

        ObjectDataType h2 = new ObjectDataType();
        H2IndexKeyType ours = new H2IndexKeyType();
        // both orders of the first comparisons: either of the two equal keys may be the one whose bytes are kept
        Collections.reverse(keys.subList(keys.size() - 2, keys.size()));
        for (int round = 1; round <= 2; round++) {
            for (KeyValue a : keys) {
                for (KeyValue b : keys) {
                    assertEquals(Integer.signum(h2.compare(a, b)), Integer.signum(ours.compare(a, b)),
                            "round " + round + ": " + a + " vs " + b);
                }
            }
            Collections.reverse(keys);
        }
        // the number index's keys come normalized to Double (an integer a double holds exactly): their bytes are kept
        assertTrue(H2IndexKeyType.kept(keys.stream().filter(k -> k.size() == 1 && k.get(0) instanceof Double).findFirst().orElseThrow()));
        assertFalse(H2IndexKeyType.kept(new KeyValue(same, same)), "a key of two values is serialized each time");
    }

    @Test
    void aStoreWrittenByTheStockH2BackendIsFoundAndExtendedAndReadBackByIt() {
        String file = tmp.resolve("store.mv").toString();
        List<Long> numbers = new ArrayList<>();
        Random random = new Random(7);
        for (int i = 0; i < 3_000; i++) {
            numbers.add(random.nextLong() >> random.nextInt(63));
        }
        numbers = numbers.stream().distinct().toList();

        withServer(new H2Backend(file), workOrders -> {
            workOrders.createIndex(Indexes.ascending("number"), new IndexOptions().unique(true));
            return null;
        });
        List<Long> firstHalf = numbers.subList(0, numbers.size() / 2);
        List<Long> secondHalf = numbers.subList(numbers.size() / 2, numbers.size());
        withServer(new H2Backend(file), workOrders -> {
            firstHalf.forEach(n -> workOrders.insertOne(new Document("number", n)));
            return null;
        });

        // our backend finds every key the stock one wrote, refuses a duplicate, and adds the rest
        DurableH2Backend ours = new DurableH2Backend(file);
        withServer(ours, workOrders -> {
            assertInstanceOf(H2IndexKeyType.class, ours.getMvStore().openMap("test.workorders._index_number_1").getKeyType());
            // a query on exactly the indexed field is answered by the index (countDocuments would scan)
            firstHalf.forEach(n -> assertNotNull(workOrders.find(Filters.eq("number", n)).first(), "number " + n));
            assertThrows(MongoWriteException.class, () -> workOrders.insertOne(new Document("number", firstHalf.get(0))));
            secondHalf.forEach(n -> workOrders.insertOne(new Document("number", n)));
            return null;
        });

        // and the stock backend finds every key either wrote
        List<Long> all = numbers;
        withServer(new H2Backend(file), workOrders -> {
            assertEquals(all.size(), workOrders.countDocuments());
            all.forEach(n -> assertNotNull(workOrders.find(Filters.eq("number", n)).first(), "number " + n));
            assertThrows(MongoWriteException.class, () -> workOrders.insertOne(new Document("number", secondHalf.get(0))));
            return null;
        });
    }

    private static void withServer(de.bwaldvogel.mongo.MongoBackend backend, Function<MongoCollection<Document>, Void> work) {
        MongoServer server = new MongoServer(backend);
        try (MongoClient client = MongoClients.create(server.bindAndGetConnectionString())) {
            work.apply(client.getDatabase("test").getCollection("workorders"));
            if (backend instanceof H2Backend h2) {
                h2.commit();
            }
        } finally {
            server.shutdownNow();
        }
    }
}
