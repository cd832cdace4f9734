package io.syncroutes.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ThreadLocalRandom;

/** Sample data of the demo: customer work-order files and product messages, with a share of bad ones. */
public class DemoData {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] FLAGS = {"isCanceled", "isDone", "isOnHold", "isActive", "isPending"};

    /** A customer file of 1 to 20 work orders (numbers 1..200, so later files update earlier ones); one file in eight has a bad record. */
    public String workOrderFile() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        ArrayNode file = JSON.createArrayNode();
        int count = 1 + random.nextInt(20);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        for (int i = 0; i < count; i++) {
            int orderNo = 1 + random.nextInt(200);
            ObjectNode order = file.addObject().put("orderNo", orderNo);
            for (String flag : FLAGS) {
                order.put(flag, false);
            }
            order.put(FLAGS[random.nextInt(FLAGS.length)], true);
            order.put("isDeleted", false)
                    .put("summary", "Demo work order #" + orderNo)
                    .put("creationDate", now.minus(30, ChronoUnit.DAYS).toString())
                    .put("lastUpdateDate", now.toString())
                    .putNull("deletedDate");
        }
        if (random.nextInt(8) == 0) {
            file.addObject().put("orderNo", "not-a-number").put("summary", "a bad record the demo adds on purpose");
        }
        return file.toString();
    }

    /** A product message like the reference one (ids P1..P100); one in ten is invalid. */
    public String productMessage() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        ObjectNode message = JSON.createObjectNode()
                .put("productId", "P" + (1 + random.nextInt(100)))
                .put("productName", "Prodotto demo");
        ObjectNode element = message.putArray("productElements").addObject()
                .put("Lenght", 50).put("Procuct Element", "Elemento demo").put("Type", "Hardware")
                .put("GG Startup", 3).put("RU", "Resource Unit").put("RU Qty", 10).put("RU Unit of measure", "Giorni")
                .put("Q.ty min", 1).put("Q.ty MAX", 100).put("%Sconto MAX", 15).put("Startup Costo", 500.0)
                .put("Startup Margine", 20).put("Startup Prezzo", 600.0).put("Canone Costo Mese", 100.0)
                .put("Canone Margine", 10).put("Canone Prezzo Mese", 110.0).put("Extended Description", "Descrizione")
                .put("Profit Center Prevalente", "PC-1").put("Status", "Active").put("Note", "demo").put("Object", "OBJ-1");
        if (random.nextInt(10) == 0) {
            message.remove("productName");
            element.put("Status", "Retired");
        }
        return message.toString();
    }
}
