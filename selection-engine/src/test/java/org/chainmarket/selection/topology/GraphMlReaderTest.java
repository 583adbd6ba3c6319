package org.chainmarket.selection.topology;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class GraphMlReaderTest {

    @Test
    void readsAbileneWithFibreLatencyFromCoordinates() {
        Topology abilene = Topology.bundled("Abilene");
        assertThat(abilene.nodes()).hasSize(11);
        assertThat(abilene.edges()).hasSize(14);
        assertThat(abilene.nodes()).extracting(Topology.Node::id).contains("new-york", "washington-dc", "los-angeles");
        Topology.Edge nyDc = abilene.edges().stream()
                .filter(e -> (e.a() + e.b()).contains("new-york") && (e.a() + e.b()).contains("washington-dc"))
                .findFirst().orElseThrow();
        // New York - Washington DC is about 330 km great-circle: 1.65 ms at 5 us/km
        assertThat(nyDc.km()).isCloseTo(330, within(10.0));
        assertThat(nyDc.latencyMs()).isCloseTo(1.65, within(0.05));
    }

    @Test
    void placesANodeWithoutCoordinatesAtTheMeanOfItsNeighbours() {
        Topology abilene = Topology.bundled("Abilene");
        Topology.Node indianapolis = abilene.nodes().stream().filter(n -> n.id().equals("indianapolis")).findFirst().orElseThrow();
        assertThat(indianapolis.latitude()).isBetween(38.0, 42.5);
        assertThat(indianapolis.longitude()).isBetween(-95.0, -84.0);
    }

    @Test
    void dropsSelfLoopsAndParallelEdgesAndMakesLabelsUnique() {
        String xml = """
                <graphml><key attr.name="label" for="node" id="d1"/>
                <key attr.name="Latitude" for="node" id="d2"/><key attr.name="Longitude" for="node" id="d3"/>
                <graph><node id="0"><data key="d1">Rome</data><data key="d2">41.9</data><data key="d3">12.5</data></node>
                <node id="1"><data key="d1">Rome</data><data key="d2">45.4</data><data key="d3">9.2</data></node>
                <edge source="0" target="1"/><edge source="1" target="0"/><edge source="0" target="0"/></graph></graphml>""";
        Topology t = GraphMlReader.read("t", new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        assertThat(t.nodes()).extracting(Topology.Node::id).containsExactly("rome", "rome-2");
        assertThat(t.edges()).hasSize(1);
    }

    @Test
    void anEdgeToAnUnknownNodeIsAClearError() {
        String xml = "<graphml><graph><node id=\"0\"/><edge source=\"0\" target=\"9\"/></graph></graphml>";
        assertThatThrownBy(() -> GraphMlReader.read("broken", new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8))))
                .hasMessage("topology 'broken': edge 0 names an unknown node");
    }
}
