package io.syncroutes.products;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncroutes.shared.InvalidInputException;
import io.syncroutes.shared.JsonSchemaValidator;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Validates a product message (JSON Schema, keys spelled as the producer sends them) and maps it to the body
 * of Ivanti's {@code POST/PUT /products}. Keys it does not map are ignored (and logged once each).
 */
public class ProductMapper {

    private static final DateTimeFormatter PYTHON_ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS");
    private static final String ELEMENTS = "productElements";
    private static final Set<String> MESSAGE_KEYS = Set.of("productId", "productName", ELEMENTS);

    private enum Kind { TEXT, INTEGER, DECIMAL }

    /** A key of a message's element and the field of Ivanti's element it becomes. */
    private record Field(String key, String ivanti, Kind kind) {
    }

    /** In the order of Ivanti's element body. */
    private static final List<Field> ELEMENT_FIELDS = List.of(
            new Field("Procuct Element", "name", Kind.TEXT),
            new Field("Type", "type", Kind.TEXT),
            new Field("GG Startup", "startup_days", Kind.INTEGER),
            new Field("RU", "resource_unit", Kind.TEXT),
            new Field("RU Qty", "resource_unit_qty", Kind.INTEGER),
            new Field("RU Unit of measure", "resource_unit_measure", Kind.TEXT),
            new Field("Q.ty min", "quantity_min", Kind.INTEGER),
            new Field("Q.ty MAX", "quantity_max", Kind.INTEGER),
            new Field("%Sconto MAX", "max_discount_percentage", Kind.DECIMAL),
            new Field("Startup Costo", "startup_cost", Kind.DECIMAL),
            new Field("Startup Margine", "startup_margin", Kind.DECIMAL),
            new Field("Startup Prezzo", "startup_price", Kind.DECIMAL),
            new Field("Canone Costo Mese", "monthly_fee_cost", Kind.DECIMAL),
            new Field("Canone Margine", "monthly_fee_margin", Kind.DECIMAL),
            new Field("Canone Prezzo Mese", "monthly_fee_price", Kind.DECIMAL),
            new Field("Extended Description", "extended_description", Kind.TEXT),
            new Field("Profit Center Prevalente", "profit_center", Kind.TEXT),
            new Field("Status", "status", Kind.TEXT),
            new Field("Note", "notes", Kind.TEXT),
            new Field("Object", "object_reference", Kind.TEXT),
            new Field("Lenght", "length", Kind.INTEGER));
    private static final Set<String> ELEMENT_KEYS = ELEMENT_FIELDS.stream().map(Field::key).collect(Collectors.toUnmodifiableSet());

    private final ObjectMapper mapper = new ObjectMapper();
    private final JsonSchemaValidator validator;
    private final Clock clock;
    private final UnknownKeysLog unknownKeys = new UnknownKeysLog();

    public ProductMapper(JsonSchemaValidator validator, Clock clock) {
        this.validator = validator;
        this.clock = clock;
    }

    /**
     * The product message, parsed and validated; {@link InvalidInputException} names every problem, e.g.
     * {@code invalid product message: productElements[0].Lenght is missing; productElements[2].Status is empty}.
     */
    public JsonNode parse(byte[] message) {
        JsonNode node;
        try {
            node = mapper.readTree(message);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("message is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidInputException("message cannot be read: " + e.getMessage());
        }
        if (node == null || node.isMissingNode()) {
            throw new InvalidInputException("message is empty");
        }
        logUnknownKeys(node);
        List<String> reasons = new ArrayList<>(ProductMessageReasons.of(validator.findings(node)));
        JsonNode id = node.path("productId");
        if (id.isNumber() && !id.isIntegralNumber()) {
            // 4711.0 or 4.711e3: which product is meant is a guess (the reference tool would create "4711.0")
            reasons.add(0, "productId: " + id + " is not written as a whole number; send it as a string or as digits only");
        }
        if (!reasons.isEmpty()) {
            throw new InvalidInputException("invalid product message: " + ProductMessageReasons.join(reasons));
        }
        return node;
    }

    /** The product id of a valid message as Ivanti gets it: a string as it is (trimmed), a whole number as its digits. */
    public String productId(JsonNode message) {
        JsonNode id = message.path("productId");
        if (id.isIntegralNumber()) {
            return id.bigIntegerValue().toString();
        }
        if (!id.isTextual() || id.asText().isBlank()) {
            throw new InvalidInputException("invalid product message: productId is missing");
        }
        return id.asText().trim();
    }

    /** Ivanti's product body for a valid message, e.g. {@code {id, name, elements: [...], created_at, updated_at}}. */
    public ObjectNode toIvanti(JsonNode message) {
        ObjectNode body = mapper.createObjectNode();
        body.put("id", productId(message));
        JsonNode name = message.path("productName");
        body.put("name", name.isTextual() ? name.asText().trim() : null);
        ArrayNode elements = body.putArray("elements");
        for (JsonNode element : message.path(ELEMENTS)) {
            ObjectNode out = elements.addObject();
            for (Field field : ELEMENT_FIELDS) {
                put(out, field, element.get(field.key()));
            }
        }
        body.put("created_at", PYTHON_ISO.format(LocalDateTime.now(clock)));
        body.putNull("updated_at");
        return body;
    }

    private void logUnknownKeys(JsonNode message) {
        message.fieldNames().forEachRemaining(key -> {
            if (!MESSAGE_KEYS.contains(key)) {
                unknownKeys.unknown("", key);
            }
        });
        for (JsonNode element : message.path(ELEMENTS)) {
            element.fieldNames().forEachRemaining(key -> {
                if (!ELEMENT_KEYS.contains(key)) {
                    unknownKeys.unknown(ELEMENTS + "[].", key);
                }
            });
        }
    }

    /** One field of Ivanti's element; null when the message leaves it out or null (keys an operator made optional). */
    private static void put(ObjectNode out, Field field, JsonNode value) {
        if (value == null || value.isNull()) {
            out.putNull(field.ivanti());
            return;
        }
        switch (field.kind()) {
            case TEXT -> out.put(field.ivanti(), value.asText());
            case INTEGER -> out.put(field.ivanti(), value.isNumber() ? value.bigIntegerValue() : new BigInteger(value.asText().trim()));
            case DECIMAL -> out.put(field.ivanti(), value.isNumber() ? value.doubleValue() : new BigDecimal(value.asText().trim()).doubleValue());
        }
    }
}
