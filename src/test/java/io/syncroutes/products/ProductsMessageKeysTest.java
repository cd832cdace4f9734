package io.syncroutes.products;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncroutes.Fixtures;
import io.syncroutes.LogCapture;
import io.syncroutes.simulators.IvantiSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a product message may and must carry, end to end over AMQP and HTTP with the Ivanti simulator: ids sent as
 * numbers, keys the flow does not know (ignored, logged once each), and keys the reference tool requires (every
 * missing or empty one named in the dead letter).
 */
class ProductsMessageKeysTest extends ProductsTestSupport {

    private final LogCapture log = new LogCapture();
    private IvantiSimulator simulator;

    private IvantiSimulator simulator() {
        if (simulator == null) {
            simulator = new IvantiSimulator("sync-routes", CLIENT_SECRET, API_KEY, Duration.ZERO, 0);
            try {
                simulator.start("127.0.0.1", 0);
            } catch (Exception e) {
                throw new IllegalStateException("Ivanti simulator did not start", e);
            }
        }
        return simulator;
    }

    @Override
    protected Properties productProperties() {
        Properties props = new Properties();
        props.put("ivanti.api-url", simulator().url());
        props.put("ivanti.token-url", simulator().url() + "/oauth/token");
        return props;
    }

    @BeforeEach
    void captureLog() {
        log.start();
    }

    @AfterEach
    void stopSimulator() {
        log.stop();
        if (simulator != null) {
            simulator.close();
        }
    }

    @Test
    void numericIdsAndUnknownKeysReachIvantiAsTheCleanReferenceBody() {
        publish(withExtras(IntNode.valueOf(4711)).toString());
        publish(withExtras(IntNode.valueOf(-5)).toString());
        publish(withExtras(BigIntegerNode.valueOf(new BigInteger("123456789012345678901234567890"))).toString());

        await().atMost(Duration.ofSeconds(20)).until(() -> simulator().products().size() == 3);
        JsonNode stored = simulator().products().get("4711");
        assertThat(stored).as("the numeric id is the product's id, a string").isNotNull();
        assertThat(stored.get("id").isTextual()).isTrue();
        ObjectNode expected = reference();
        expected.put("id", "4711");
        assertThat(withoutCreatedAt(stored)).as("exactly the reference body: no unknown key").isEqualTo(expected);
        assertThat(simulator().products()).containsKeys("-5", "123456789012345678901234567890");
        assertThat(simulator().products().get("123456789012345678901234567890").get("id").asText())
                .as("a big id keeps all its digits").isEqualTo("123456789012345678901234567890");
        assertThat(deadLetter(500)).isNull();

        String logged = log.text();
        assertThat(count(logged, "key 'sourceSystem' is not known")).as("once for three messages").isEqualTo(1);
        assertThat(count(logged, "key 'productElements[].Colore' is not known")).as("once for six elements").isEqualTo(1);
    }

    @Test
    void missingAndEmptyKeysAreAllNamedInTheDeadLetterAndNeverReachIvanti() {
        ObjectNode message = sample();
        message.remove("productName");
        ObjectNode first = (ObjectNode) message.get("productElements").get(0);
        first.remove("Lenght");
        first.remove("Extended Description");
        first.remove("Note");
        ObjectNode second = (ObjectNode) message.get("productElements").get(1);
        second.putNull("Type");
        second.put("RU", " \t");
        second.put("Status", "");
        second.put("Object", "");

        publish(message.toString());

        Message dead = deadLetter(20_000);
        assertThat(dead).isNotNull();
        assertThat((String) dead.getMessageProperties().getHeader("x-sync-error-reason")).isEqualTo("invalid product message: "
                + "productName is missing; "
                + "productElements[0].Lenght is missing; productElements[0].Extended Description is missing; "
                + "productElements[1].Type is empty; productElements[1].RU is empty; productElements[1].Status is empty");
        assertThat((String) dead.getMessageProperties().getHeader("x-sync-product-id")).isEqualTo("P12345");
        assertThat(simulator().requests()).as("nothing reached Ivanti, not even a token request").isZero();
    }

    @Test
    void anIdWithAFractionIsNotGuessed() {
        publish(sample().put("productId", 4711.0).toString());

        Message dead = deadLetter(20_000);
        assertThat(dead).isNotNull();
        assertThat((String) dead.getMessageProperties().getHeader("x-sync-error-reason"))
                .isEqualTo("invalid product message: productId: 4711.0 is not written as a whole number; send it as a string or as digits only");
        assertThat((String) dead.getMessageProperties().getHeader("x-sync-product-id")).isEqualTo("4711.0");
        assertThat(simulator().products()).isEmpty();
    }

    @Test
    void unknownKeysAreRememberedUpToABound() {
        ObjectNode message = sample();
        for (int i = 0; i < UnknownKeysLog.MAX_KEYS + 50; i++) {
            message.put("extra" + i, i);
        }

        publish(message.toString());
        publish(message.put("productId", "P2").toString());

        await().atMost(Duration.ofSeconds(20)).until(() -> simulator().products().size() == 2);
        String logged = log.text();
        assertThat(count(logged, "' is not known; ignored")).isEqualTo(UnknownKeysLog.MAX_KEYS);
        assertThat(count(logged, "more than " + UnknownKeysLog.MAX_KEYS + " unknown keys seen")).isEqualTo(1);
    }

    @Test
    void aMessageWithThousandsOfProblemsIsDeadLetteredWithTheirCount() {
        ObjectNode message = sample();
        ArrayNode elements = message.putArray("productElements");
        for (int i = 0; i < 500; i++) {
            elements.addObject();
        }

        publish(message.toString());

        Message dead = deadLetter(20_000);
        assertThat(dead).as("the reason fits a header").isNotNull();
        String reason = dead.getMessageProperties().getHeader("x-sync-error-reason").toString();
        assertThat(reason).startsWith("invalid product message: productElements[0].Lenght is missing; productElements[0].Procuct Element is missing")
                .matches(".*; and \\d+ more$");
        int listed = count(reason, " is missing");
        assertThat(reason).endsWith("; and " + (500 * 19 - listed) + " more");
        assertThat(reason.length()).isLessThan(ProductMessageReasons.MAX_LENGTH + 100);
    }

    /** The reference sample with a numeric id and keys the flow does not know, at the top and in every element. */
    private static ObjectNode withExtras(JsonNode id) {
        ObjectNode message = sample();
        message.set("productId", id);
        message.put("sourceSystem", "erp-7");
        message.get("productElements").forEach(element -> ((ObjectNode) element).put("Colore", "rosso"));
        return message;
    }

    private static ObjectNode sample() {
        return (ObjectNode) Fixtures.json(REF + "rabbitmq_message_sample_rabbitmq_message.json");
    }

    private static ObjectNode reference() {
        return withoutCreatedAt(Fixtures.json(REF + "DERIVED_ivanti_POST_products_body_for_sample_message.json"));
    }

    private static ObjectNode withoutCreatedAt(JsonNode body) {
        ObjectNode copy = (ObjectNode) body.deepCopy();
        copy.remove("created_at");
        return copy;
    }

    private static int count(String text, String part) {
        Matcher m = Pattern.compile(Pattern.quote(part)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
