package org.chainmarket.selection.testing;

import org.chainmarket.selection.topology.Topology;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Carrier-size networks shaped like the larger Topology Zoo ones (Cogentco, Kdl, UsCarrier: 200-750 nodes, mean degree
 * 2.4-2.8, long chains of degree-2 nodes, a few hubs): {@code n} points placed uniformly over a continental box (the
 * contiguous US, about 4,500 by 2,600 km), joined by their Euclidean minimum spanning tree, plus the shortest remaining
 * pairs until the mean degree is {@value #MEAN_DEGREE}. Links are as long as their great-circle distance (5 µs/km).
 * Reproducible by seed.
 */
public final class RandomGeometricTopology {
    public static final double MEAN_DEGREE = 2.6;
    private static final double LAT_MIN = 25;
    private static final double LAT_MAX = 49;
    private static final double LON_MIN = -124;
    private static final double LON_MAX = -67;

    private RandomGeometricTopology() {
    }

    public static Topology generate(int n, long seed) {
        Random rnd = new Random(seed);
        List<Topology.Node> nodes = new ArrayList<>(n);
        double[][] at = new double[n][];
        for (int i = 0; i < n; i++) {
            at[i] = new double[]{LAT_MIN + (LAT_MAX - LAT_MIN) * rnd.nextDouble(), LON_MIN + (LON_MAX - LON_MIN) * rnd.nextDouble()};
            nodes.add(new Topology.Node("n" + i, "node " + i, at[i][0], at[i][1]));
        }
        double[][] km = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                km[i][j] = km[j][i] = greatCircleKm(at[i], at[j]);
            }
        }
        List<Topology.Edge> edges = new ArrayList<>();
        Set<Long> used = new HashSet<>();
        // Prim's minimum spanning tree: connected, and as sparse as real backbones are
        boolean[] in = new boolean[n];
        double[] best = new double[n];
        int[] from = new int[n];
        Arrays.fill(best, Double.POSITIVE_INFINITY);
        best[0] = 0;
        for (int step = 0; step < n; step++) {
            int u = -1;
            for (int v = 0; v < n; v++) {
                if (!in[v] && (u < 0 || best[v] < best[u])) {
                    u = v;
                }
            }
            in[u] = true;
            if (step > 0) {
                add(edges, used, from[u], u, km);
            }
            for (int v = 0; v < n; v++) {
                if (!in[v] && km[u][v] < best[v]) {
                    best[v] = km[u][v];
                    from[v] = u;
                }
            }
        }
        // then the shortest remaining pairs among each node's nearest neighbours, until the mean degree is reached
        List<int[]> pairs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Integer[] byDistance = new Integer[n];
            for (int j = 0; j < n; j++) {
                byDistance[j] = j;
            }
            int fi = i;
            Arrays.sort(byDistance, Comparator.comparingDouble(j -> km[fi][j]));
            for (int k = 1; k <= Math.min(6, n - 1); k++) {
                if (i < byDistance[k]) {
                    pairs.add(new int[]{i, byDistance[k]});
                }
            }
        }
        pairs.sort(Comparator.comparingDouble(p -> km[p[0]][p[1]]));
        int target = (int) Math.round(MEAN_DEGREE * n / 2);
        for (int[] p : pairs) {
            if (edges.size() >= target) {
                break;
            }
            add(edges, used, p[0], p[1], km);
        }
        return new Topology("rgg-" + n + "-s" + seed, nodes, edges);
    }

    private static void add(List<Topology.Edge> edges, Set<Long> used, int a, int b, double[][] km) {
        long key = (long) Math.min(a, b) * 1_000_000L + Math.max(a, b);
        if (a != b && used.add(key)) {
            edges.add(new Topology.Edge("n" + a, "n" + b, km[a][b]));
        }
    }

    private static double greatCircleKm(double[] a, double[] b) {
        double dLat = Math.toRadians(b[0] - a[0]);
        double dLon = Math.toRadians(b[1] - a[1]);
        double h = Math.sin(dLat / 2) * Math.sin(dLat / 2)
                + Math.cos(Math.toRadians(a[0])) * Math.cos(Math.toRadians(b[0])) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
        return 2 * 6371.0 * Math.asin(Math.min(1, Math.sqrt(h)));
    }
}
