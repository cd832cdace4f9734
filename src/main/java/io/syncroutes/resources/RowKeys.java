package io.syncroutes.resources;

import org.bson.BsonValue;
import org.bson.Document;

/** A Focus row's primary key as the text a ledger entry or a provenance request names it by, and back. */
final class RowKeys {

    private RowKeys() {
    }

    /** A row's primary key as text: a number or string as it is, a composite key as JSON. */
    static String text(BsonValue key) {
        if (key.isNumber()) {
            return key.isDouble() ? String.valueOf(key.asDouble().getValue()) : String.valueOf(key.asNumber().longValue());
        }
        return key.isString() ? key.asString().getValue() : key.isDocument() ? key.asDocument().toJson() : key.toString();
    }

    /** The stored primary key of a key given as text (see {@link #text}). */
    static Object value(String key) {
        String text = key.trim();
        if (text.startsWith("{")) {
            return Document.parse(text);
        }
        try {
            long value = Long.parseLong(text);
            return value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE ? (Object) (int) value : (Object) value;
        } catch (NumberFormatException e) {
            return key;
        }
    }
}
