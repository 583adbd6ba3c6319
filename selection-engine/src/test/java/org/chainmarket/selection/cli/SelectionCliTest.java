package org.chainmarket.selection.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SelectionCliTest {
    private static final Path EXAMPLE = Path.of("examples/abilene-3hop.json");

    @Test
    void solvesTheDocumentedExample(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.json");
        StringWriter stdout = new StringWriter();
        int code = SelectionCli.run(new String[]{"solve", EXAMPLE.toString(), "-o", out.toString()},
                new PrintWriter(stdout, true), new PrintWriter(new StringWriter(), true));

        assertThat(code).isZero();
        assertThat(stdout.toString()).contains("2 selected and 1 rejected");
        JsonNode doc = new ObjectMapper().readTree(out.toFile());
        assertThat(doc.get("score").asText()).startsWith("0hard/");
        Map<String, JsonNode> chains = new HashMap<>();
        doc.get("chains").forEach(c -> chains.put(c.get("id").asText(), c));
        assertThat(chains.get("video-sea-ny").get("status").asText()).isEqualTo("selected");
        JsonNode hops = chains.get("video-sea-ny").get("chain").get("hops");
        assertThat(hops).hasSize(3);
        assertThat(hops.get(0).get("vnfType").asText()).isEqualTo("firewall");
        assertThat(chains.get("video-sea-ny").get("chain").get("latencyMs").asDouble()).isLessThanOrEqualTo(60);
        // dpi-ind has one chain slot: the two selected chains cannot both use it
        long onDpiInd = chains.values().stream().filter(c -> c.has("chain"))
                .filter(c -> c.get("chain").get("hops").get(1).get("offerId").asText().equals("dpi-ind")).count();
        assertThat(onDpiInd).isLessThanOrEqualTo(1);
        assertThat(chains.get("cheap-one").get("status").asText()).isEqualTo("rejected");
        assertThat(chains.get("cheap-one").get("constraint").asText()).isEqualTo("BUDGET");
    }

    @Test
    void greedyAndExactStrategiesRunToo() throws Exception {
        for (String strategy : new String[]{"greedy", "exact"}) {
            StringWriter stdout = new StringWriter();
            int code = SelectionCli.run(new String[]{"solve", EXAMPLE.toString(), "--strategy", strategy},
                    new PrintWriter(stdout, true), new PrintWriter(new StringWriter(), true));
            assertThat(code).isZero();
            JsonNode doc = new ObjectMapper().readTree(stdout.toString());
            assertThat(doc.get("strategy").asText()).isEqualTo(strategy);
            Map<String, JsonNode> chains = new HashMap<>();
            doc.get("chains").forEach(c -> chains.put(c.get("id").asText(), c));
            assertThat(chains.get("video-sea-ny").get("status").asText()).as(strategy).isEqualTo("selected");
            assertThat(chains.get("video-sea-ny").get("chain").get("hops")).as(strategy).hasSize(3);
        }
    }

    @Test
    void aMissingFileIsAnError() {
        StringWriter stderr = new StringWriter();
        int code = SelectionCli.run(new String[]{"solve", "no-such-file.json"}, new PrintWriter(new StringWriter(), true),
                new PrintWriter(stderr, true));
        assertThat(code).isNotZero();
        assertThat(stderr.toString()).contains("no-such-file.json");
    }
}
