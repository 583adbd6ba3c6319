package org.chainmarket.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** A plain-text table: one row per JSON element, columns taken by functions, padded to the widest cell. */
final class Table {
    private final List<String> headers = new ArrayList<>();
    private final List<Function<JsonNode, String>> cells = new ArrayList<>();

    Table col(String header, Function<JsonNode, String> cell) {
        headers.add(header);
        cells.add(cell);
        return this;
    }

    /** A column of the field at {@code path} (slash-separated). */
    Table col(String header, String path) {
        return col(header, n -> {
            JsonNode v = n.at("/" + path);
            return v.isMissingNode() || v.isNull() ? "" : v.isFloatingPointNumber() ? String.format(java.util.Locale.ROOT, "%.2f", v.asDouble()) : v.asText();
        });
    }

    void print(PrintWriter out, Iterable<JsonNode> rows) {
        List<String[]> lines = new ArrayList<>();
        lines.add(headers.toArray(String[]::new));
        for (JsonNode row : rows) {
            lines.add(cells.stream().map(c -> c.apply(row)).toArray(String[]::new));
        }
        int[] width = new int[headers.size()];
        for (String[] l : lines) {
            for (int i = 0; i < l.length; i++) {
                width[i] = Math.max(width[i], l[i].length());
            }
        }
        for (String[] l : lines) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < l.length; i++) {
                b.append(i == l.length - 1 ? l[i] : String.format("%-" + width[i] + "s  ", l[i]));
            }
            out.println(b.toString().stripTrailing());
        }
        out.flush();
    }
}
