package io.syncroutes.products;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncroutes.shared.InvalidInputException;
import io.syncroutes.shared.JsonSchemaValidator;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Validates a product message (JSON Schema, keys spelled as the producer sends them) and maps it to the body
 * of Ivanti's {@code POST/PUT /products}.
 */
public class ProductMapper {

    private static final DateTimeFormatter PYTHON_ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS");

    private final ObjectMapper mapper = new ObjectMapper();
    private final JsonSchemaValidator validator;
    private final Clock clock;

    public ProductMapper(JsonSchemaValidator validator, Clock clock) {
        this.validator = validator;
        this.clock = clock;
    }

    /** The product message, parsed and validated; {@link InvalidInputException} says why it is not acceptable. */
    public JsonNode parse(byte[] message) {
        JsonNode node;
        try {
            node = mapper.readTree(message);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("message is not JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new InvalidInputException("message cannot be read: " + e.getMessage());
        }
        if (node == null || node.isMissingNode()) {
            throw new InvalidInputException("message is empty");
        }
        List<String> reasons = validator.validate(node);
        if (!reasons.isEmpty()) {
            throw new InvalidInputException("invalid product message: " + String.join("; ", reasons));
        }
        return node;
    }

    /** Ivanti's product body for a valid message, e.g. {@code {id, name, elements: [...], created_at, updated_at}}. */
    public ObjectNode toIvanti(JsonNode message) {
        ObjectNode body = mapper.createObjectNode();
        body.put("id", message.get("productId").asText().trim());
        body.put("name", message.get("productName").asText().trim());
        ArrayNode elements = body.putArray("elements");
        for (JsonNode e : message.get("productElements")) {
            ObjectNode out = elements.addObject();
            out.set("name", e.get("Procuct Element"));
            text(out, "type", e, "Type");
            integer(out, "startup_days", e, "GG Startup");
            text(out, "resource_unit", e, "RU");
            integer(out, "resource_unit_qty", e, "RU Qty");
            text(out, "resource_unit_measure", e, "RU Unit of measure");
            integer(out, "quantity_min", e, "Q.ty min");
            integer(out, "quantity_max", e, "Q.ty MAX");
            decimal(out, "max_discount_percentage", e, "%Sconto MAX");
            decimal(out, "startup_cost", e, "Startup Costo");
            decimal(out, "startup_margin", e, "Startup Margine");
            decimal(out, "startup_price", e, "Startup Prezzo");
            decimal(out, "monthly_fee_cost", e, "Canone Costo Mese");
            decimal(out, "monthly_fee_margin", e, "Canone Margine");
            decimal(out, "monthly_fee_price", e, "Canone Prezzo Mese");
            text(out, "extended_description", e, "Extended Description");
            text(out, "profit_center", e, "Profit Center Prevalente");
            text(out, "status", e, "Status");
            text(out, "notes", e, "Note");
            text(out, "object_reference", e, "Object");
            integer(out, "length", e, "Lenght");
        }
        body.put("created_at", PYTHON_ISO.format(LocalDateTime.now(clock)));
        body.putNull("updated_at");
        return body;
    }

    private static void text(ObjectNode out, String field, JsonNode element, String key) {
        JsonNode value = element.get(key);
        if (value == null || value.isNull()) {
            out.putNull(field);
        } else {
            out.put(field, value.asText());
        }
    }

    private static void integer(ObjectNode out, String field, JsonNode element, String key) {
        JsonNode value = element.get(key);
        if (value == null || value.isNull()) {
            out.putNull(field);
        } else {
            out.put(field, value.isNumber() ? value.longValue() : Long.parseLong(value.asText().trim()));
        }
    }

    private static void decimal(ObjectNode out, String field, JsonNode element, String key) {
        JsonNode value = element.get(key);
        if (value == null || value.isNull()) {
            out.putNull(field);
        } else {
            out.put(field, value.isNumber() ? value.doubleValue() : new BigDecimal(value.asText().trim()).doubleValue());
        }
    }
}
