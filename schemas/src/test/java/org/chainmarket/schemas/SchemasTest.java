package org.chainmarket.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.FieldError;
import org.chainmarket.schemas.events.InvalidInputException;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.events.SchemaValidator;
import org.chainmarket.schemas.model.ChainOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchemasTest {

    /** Every schema with a record, and the record it maps to. */
    static Stream<Arguments> schemasWithRecords() {
        List<Arguments> args = new ArrayList<>();
        Arrays.stream(EventType.values()).map(t -> Arguments.of(t.schema(), t.payloadType())).distinct().forEach(args::add);
        args.add(Arguments.of(EventType.CHAIN_ORDER_SCHEMA, EventType.CHAIN_ORDER_TYPE));
        args.add(Arguments.of("concrete-chain", org.chainmarket.schemas.model.ConcreteChain.class));
        return args.stream().distinct();
    }

    static JsonNode schemaFile(String name) throws Exception {
        try (InputStream in = SchemaValidator.class.getResourceAsStream("/schemas/" + name + ".schema.json")) {
            assertThat(in).as("schema file of %s", name).isNotNull();
            return Json.MAPPER.readTree(in);
        }
    }

    @ParameterizedTest(name = "{0} accepts its examples, and they round-trip through the record")
    @MethodSource("schemasWithRecords")
    void acceptsItsExamplesAndRoundTrips(String schema, Class<?> type) throws Exception {
        JsonNode examples = schemaFile(schema).get("examples");
        assertThat(examples).as("examples of %s", schema).isNotEmpty();
        for (JsonNode example : examples) {
            assertThat(SchemaValidator.errors(schema, example)).isEmpty();
            Object record = SchemaValidator.read(schema, Json.bytes(example), type);
            JsonNode again = Json.MAPPER.valueToTree(record);
            assertThat(SchemaValidator.errors(schema, again)).as("record %s written back", type.getSimpleName()).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0} rejects an example without a required field, naming it")
    @MethodSource("schemasWithRecords")
    void rejectsMissingRequiredField(String schema, Class<?> type) throws Exception {
        JsonNode file = schemaFile(schema);
        String required = file.get("required").get(0).asText();
        ObjectNode broken = file.get("examples").get(0).deepCopy();
        broken.remove(required);
        assertThat(SchemaValidator.errors(schema, broken))
                .extracting(FieldError::field)
                .contains("$." + required);
    }

    @Test
    void chainOrderErrorsNameEachField() {
        String body = """
                {"buyerId": "acme", "vnfTypes": ["firewall", "Bad Type"], "ingress": "seattle", "egress": "new-york",
                 "bandwidthMbps": -5, "maxLatencyMs": 40, "maxPricePerHour": 12, "colour": "red"}""";
        assertThatThrownBy(() -> SchemaValidator.read("chain-order", body.getBytes(StandardCharsets.UTF_8), ChainOrder.class))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field)
                        .containsExactlyInAnyOrder("$.bandwidthMbps", "$.colour", "$.vnfTypes[1]"));
    }

    @Test
    void aChainChangeNamesWhatItChangesAndTheRestStaysAsOrdered() throws Exception {
        for (JsonNode example : schemaFile(EventType.CHAIN_CHANGE_SCHEMA).get("examples")) {
            assertThat(SchemaValidator.errors(EventType.CHAIN_CHANGE_SCHEMA, example)).isEmpty();
        }
        assertThat(SchemaValidator.errors(EventType.CHAIN_CHANGE_SCHEMA, Json.MAPPER.readTree("{}"))).isNotEmpty();
        assertThat(SchemaValidator.errors(EventType.CHAIN_CHANGE_SCHEMA, Json.MAPPER.readTree("{\"bandwidthMbps\": 0, \"vnfTypes\": []}")))
                .extracting(FieldError::field).containsExactlyInAnyOrder("$.bandwidthMbps", "$.vnfTypes");
        ChainOrder order = new ChainOrder("acme", List.of("firewall"), "seattle", "denver", 100, 40, 12, List.of(), List.of());
        org.chainmarket.schemas.model.ChainChange change = SchemaValidator.read(EventType.CHAIN_CHANGE_SCHEMA,
                "{\"bandwidthMbps\": 250}".getBytes(StandardCharsets.UTF_8), org.chainmarket.schemas.model.ChainChange.class);
        assertThat(change.applyTo(order)).isEqualTo(new ChainOrder("acme", List.of("firewall"), "seattle", "denver", 250, 40, 12, List.of(), List.of()));
    }

    @Test
    void malformedJsonIsReportedNotThrownRaw() {
        assertThatThrownBy(() -> SchemaValidator.read("chain-order", "{\"buyerId\": ".getBytes(StandardCharsets.UTF_8), ChainOrder.class))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.errors()).singleElement().satisfies(f -> {
                        assertThat(f.field()).isEqualTo("$");
                        assertThat(f.message()).startsWith("malformed JSON");
                    });
                });
    }

    @Test
    void failedAckMustSayWhy() throws Exception {
        ObjectNode ack = schemaFile("domain-ack").get("examples").get(1).deepCopy();
        ack.remove("reason");
        assertThat(SchemaValidator.errors("domain-ack", ack)).extracting(FieldError::field).contains("$.reason");
    }

    @Test
    void domainReferencesMustNameItsOwnSwitches() {
        String body = """
                {"providerId": "east", "name": "East", "switches": [{"switchId": "a"}],
                 "sites": [{"siteId": "s1", "switchId": "b", "cpuCores": 4, "memoryGb": 8}],
                 "links": [{"from": "a", "to": "c", "latencyMs": 1, "bandwidthMbps": 10}]}""";
        assertThatThrownBy(() -> SchemaValidator.read("provider-domain", body.getBytes(StandardCharsets.UTF_8),
                org.chainmarket.schemas.model.ProviderDomain.class))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field).containsExactly("$.sites[0].switchId", "$.links[0].to"));
    }
}
