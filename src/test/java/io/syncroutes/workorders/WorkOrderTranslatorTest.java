package io.syncroutes.workorders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Date;

import static io.syncroutes.Fixtures.JSON;
import static io.syncroutes.Fixtures.extJson;
import static io.syncroutes.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkOrderTranslatorTest {

    private static final String REF = "reference/tracos-workorders/";
    private final WorkOrderTranslator translator = new WorkOrderTranslator();

    @Test
    void customerRecordBecomesTheDerivedTracosDocument() {
        assertTracos("customer_inbound_translator_test_42.json", "DERIVED_expected_tracos_doc_from_customer_42.json");
        assertTracos("customer_inbound_customer_handler_test_1.json", "DERIVED_expected_tracos_doc_from_customer_1.json");
    }

    @Test
    void tracosDocumentBecomesTheDerivedCustomerRecord() throws Exception {
        assertCustomer("tracos_doc_translator_test_42.extjson.json", "DERIVED_expected_outbound_from_tracos_42.json");
        assertCustomer("tracos_doc_e2e_data_integrity_999.extjson.json", "DERIVED_expected_outbound_workorder_999.json");
    }

    @ParameterizedTest(name = "canceled={0} done={1} onHold={2} active={3} -> {4}")
    @CsvSource({
            "true,  true,  true,  true,  cancelled",
            "false, true,  true,  true,  completed",
            "false, false, true,  true,  on_hold",
            "false, false, false, true,  in_progress",
            "false, false, false, false, pending"})
    void statusFollowsTheFlagPrecedence(boolean canceled, boolean done, boolean onHold, boolean active, String status) {
        ObjectNode record = (ObjectNode) json(REF + "customer_inbound_translator_test_42.json");
        record.put("isCanceled", canceled).put("isDone", done).put("isOnHold", onHold).put("isActive", active);

        Document doc = translator.toTracos(record);
        assertThat(doc.getString("status")).isEqualTo(status);

        ObjectNode back = translator.toCustomer(doc);
        assertThat(back.get("isCanceled").booleanValue()).isEqualTo(status.equals("cancelled"));
        assertThat(back.get("isDone").booleanValue()).isEqualTo(status.equals("completed"));
        assertThat(back.get("isOnHold").booleanValue()).isEqualTo(status.equals("on_hold"));
        assertThat(back.get("isActive").booleanValue()).isEqualTo(status.equals("in_progress"));
        assertThat(back.get("isPending").booleanValue()).isEqualTo(status.equals("pending"));
    }

    @Test
    void missingIsActiveMeansPending() {
        ObjectNode record = (ObjectNode) json(REF + "inbound/3.json");
        record.remove("isActive");
        record.put("isDone", false);
        assertThat(translator.toTracos(record).getString("status")).isEqualTo("pending");
    }

    @Test
    void datesWithAnyOffsetAreStoredInUtc() {
        ObjectNode record = (ObjectNode) json(REF + "customer_inbound_translator_test_42.json");
        record.put("creationDate", "2023-05-10T20:01:57.719999+02:00");
        record.put("deletedDate", "2023-05-12T00:00:00-03:00");

        Document doc = translator.toTracos(record);

        assertThat(doc.getDate("createdAt")).isEqualTo(Date.from(java.time.Instant.parse("2023-05-10T18:01:57.719Z")));
        assertThat(doc.getDate("deletedAt")).isEqualTo(Date.from(java.time.Instant.parse("2023-05-12T03:00:00Z")));
        assertThat(translator.toCustomer(doc).get("deletedDate").asText()).isEqualTo("2023-05-12T03:00:00+00:00");
    }

    @Test
    void documentWithUnknownStatusIsRefusedWithItsReason() {
        Document doc = extJson(REF + "tracos_doc_translator_test_42.extjson.json").append("status", "archived");
        assertThatThrownBy(() -> translator.toCustomer(doc))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown status 'archived'");
    }

    @Test
    void documentWithoutDatesIsRefusedWithItsReason() {
        Document doc = extJson(REF + "tracos_doc_translator_test_42.extjson.json");
        doc.remove("updatedAt");
        assertThatThrownBy(() -> translator.toCustomer(doc)).hasMessageContaining("updatedAt must be a date");
    }

    private void assertTracos(String customer, String expected) {
        Document actual = translator.toTracos(json(REF + customer));
        Document wanted = extJson(REF + expected);
        wanted.remove("_id");
        wanted.remove("_comment");
        assertThat(actual).containsExactlyInAnyOrderEntriesOf(wanted);
    }

    private void assertCustomer(String tracos, String expected) throws Exception {
        JsonNode actual = JSON.readTree(JSON.writeValueAsString(translator.toCustomer(extJson(REF + tracos))));
        assertThat(actual).isEqualTo(json(REF + expected));
    }
}
