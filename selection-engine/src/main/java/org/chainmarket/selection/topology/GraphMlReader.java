package org.chainmarket.selection.topology;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the GraphML subset of the Internet Topology Zoo: node attributes {@code label}, {@code Latitude},
 * {@code Longitude}; edges between node ids. Self-loops and parallel edges are dropped. A node without
 * coordinates (some Zoo nodes lack them) is placed at the mean of its neighbours that have them.
 */
public final class GraphMlReader {
    private static final double EARTH_RADIUS_KM = 6371.0;

    private GraphMlReader() {
    }

    public static Topology read(Path file) {
        String name = file.getFileName().toString().replaceFirst("\\.graphml$", "");
        try (InputStream in = Files.newInputStream(file)) {
            return read(name, in);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read topology " + file + ": " + e.getMessage(), e);
        }
    }

    public static Topology read(String name, InputStream in) {
        if (in == null) {
            throw new IllegalArgumentException("topology '" + name + "' not found");
        }
        Document doc;
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setNamespaceAware(false);
            doc = f.newDocumentBuilder().parse(in);
        } catch (Exception e) {
            throw new IllegalArgumentException("topology '" + name + "' is not valid GraphML: " + e.getMessage(), e);
        }
        Map<String, String> keyNames = new HashMap<>();
        NodeList keys = doc.getElementsByTagName("key");
        for (int i = 0; i < keys.getLength(); i++) {
            Element k = (Element) keys.item(i);
            if ("node".equals(k.getAttribute("for"))) {
                keyNames.put(k.getAttribute("id"), k.getAttribute("attr.name"));
            }
        }
        Map<String, String> idOf = new LinkedHashMap<>();
        Map<String, String> labelOf = new HashMap<>();
        Map<String, double[]> coords = new HashMap<>();
        Set<String> usedIds = new HashSet<>();
        NodeList nodes = doc.getElementsByTagName("node");
        for (int i = 0; i < nodes.getLength(); i++) {
            Element n = (Element) nodes.item(i);
            String raw = n.getAttribute("id");
            Map<String, String> attrs = new HashMap<>();
            NodeList data = n.getElementsByTagName("data");
            for (int j = 0; j < data.getLength(); j++) {
                Element d = (Element) data.item(j);
                attrs.put(keyNames.getOrDefault(d.getAttribute("key"), d.getAttribute("key")), d.getTextContent().trim());
            }
            String label = attrs.getOrDefault("label", "node-" + raw);
            String id = unique(slug(label), usedIds);
            idOf.put(raw, id);
            labelOf.put(id, label);
            if (attrs.containsKey("Latitude") && attrs.containsKey("Longitude")) {
                coords.put(id, new double[]{Double.parseDouble(attrs.get("Latitude")), Double.parseDouble(attrs.get("Longitude"))});
            }
        }
        List<String[]> pairs = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        NodeList edges = doc.getElementsByTagName("edge");
        for (int i = 0; i < edges.getLength(); i++) {
            Element e = (Element) edges.item(i);
            String a = idOf.get(e.getAttribute("source"));
            String b = idOf.get(e.getAttribute("target"));
            if (a == null || b == null) {
                throw new IllegalArgumentException("topology '" + name + "': edge " + i + " names an unknown node");
            }
            String key = a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a;
            if (!a.equals(b) && seen.add(key)) {
                pairs.add(new String[]{a, b});
            }
        }
        placeNodesWithoutCoordinates(idOf.values(), pairs, coords);
        List<Topology.Node> out = idOf.values().stream().map(id -> {
            double[] c = coords.getOrDefault(id, new double[]{0, 0});
            return new Topology.Node(id, labelOf.get(id), c[0], c[1]);
        }).toList();
        List<Topology.Edge> outEdges = pairs.stream()
                .map(p -> new Topology.Edge(p[0], p[1], km(coords.getOrDefault(p[0], new double[2]), coords.getOrDefault(p[1], new double[2]))))
                .toList();
        return new Topology(name, out, outEdges);
    }

    private static void placeNodesWithoutCoordinates(Iterable<String> ids, List<String[]> pairs, Map<String, double[]> coords) {
        boolean progress = true;
        while (progress) {
            progress = false;
            for (String id : ids) {
                if (coords.containsKey(id)) {
                    continue;
                }
                double lat = 0, lon = 0;
                int n = 0;
                for (String[] p : pairs) {
                    String other = p[0].equals(id) ? p[1] : p[1].equals(id) ? p[0] : null;
                    if (other != null && coords.containsKey(other)) {
                        lat += coords.get(other)[0];
                        lon += coords.get(other)[1];
                        n++;
                    }
                }
                if (n > 0) {
                    coords.put(id, new double[]{lat / n, lon / n});
                    progress = true;
                }
            }
        }
    }

    static double km(double[] a, double[] b) {
        double dLat = Math.toRadians(b[0] - a[0]);
        double dLon = Math.toRadians(b[1] - a[1]);
        double h = Math.sin(dLat / 2) * Math.sin(dLat / 2)
                + Math.cos(Math.toRadians(a[0])) * Math.cos(Math.toRadians(b[0])) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
        return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
    }

    static String slug(String label) {
        String s = label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        return s.isEmpty() ? "node" : s;
    }

    private static String unique(String id, Set<String> used) {
        String candidate = id;
        for (int i = 2; !used.add(candidate); i++) {
            candidate = id + "-" + i;
        }
        return candidate;
    }
}
