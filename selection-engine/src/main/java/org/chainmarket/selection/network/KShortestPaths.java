package org.chainmarket.selection.network;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Yen's k-shortest loopless paths over a network's index arrays and one bandwidth's usable links: for each path found,
 * one shortest-path search per spur switch that avoids the root path's switches and the links earlier paths leave the
 * same root by, stopping at the target. Scratch arrays are reused and reset only where a search touched them.
 */
final class KShortestPaths {
    private final MultiDomainNetwork net;
    private final boolean[] usable;
    private final double[] scratchDist;
    private final int[] scratchPred;
    private final boolean[] scratchDone;
    private final int[] scratchTouched;
    private final int[] scratchHeapNode;
    private final double[] scratchHeapKey;

    KShortestPaths(MultiDomainNetwork net, boolean[] usable) {
        this.net = net;
        this.usable = usable;
        int n = net.switchIds.length;
        scratchDist = new double[n];
        scratchPred = new int[n];
        scratchDone = new boolean[n];
        scratchTouched = new int[n];
        scratchHeapNode = new int[net.adjTarget.length + 1];
        scratchHeapKey = new double[scratchHeapNode.length];
        Arrays.fill(scratchDist, Double.POSITIVE_INFINITY);
    }

    /** Up to {@code k} loopless paths from {@code a} to {@code b} in order of latency, starting with {@code shortest}. */
    List<int[]> paths(int a, int b, int[] shortest, int k) {
        List<int[]> found = new ArrayList<>(k);
        found.add(shortest);
        List<double[]> candidateLatency = new ArrayList<>();
        List<int[]> candidates = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        seen.add(Arrays.toString(shortest));
        int n = net.switchIds.length;
        boolean[] blockedNode = new boolean[n];
        boolean[] blockedLink = new boolean[usable.length];
        while (found.size() < k) {
            int[] last = found.get(found.size() - 1);
            int spur = a;
            for (int i = 0; i < last.length; i++) {
                for (int[] p : found) {
                    if (p.length > i && samePrefix(p, last, i)) {
                        blockedLink[p[i]] = true;
                    }
                }
                int[] spurPath = shortestAvoiding(spur, b, blockedNode, blockedLink);
                if (spurPath != null) {
                    int[] total = Arrays.copyOf(last, i + spurPath.length);
                    System.arraycopy(spurPath, 0, total, i, spurPath.length);
                    if (seen.add(Arrays.toString(total))) {
                        candidates.add(total);
                        candidateLatency.add(new double[]{latencyOf(total)});
                    }
                }
                Arrays.fill(blockedLink, false);
                blockedNode[spur] = true;
                spur = net.adjacentEnd(last[i], spur);
            }
            Arrays.fill(blockedNode, false);
            if (candidates.isEmpty()) {
                break;
            }
            int best = 0;
            for (int c = 1; c < candidates.size(); c++) {
                if (candidateLatency.get(c)[0] < candidateLatency.get(best)[0]) {
                    best = c;
                }
            }
            found.add(candidates.remove(best));
            candidateLatency.remove(best);
        }
        return found;
    }

    private static boolean samePrefix(int[] p, int[] q, int length) {
        for (int i = 0; i < length; i++) {
            if (p[i] != q[i]) {
                return false;
            }
        }
        return true;
    }

    private double latencyOf(int[] links) {
        double d = 0;
        for (int l : links) {
            d += net.linkLatency[l];
        }
        return d;
    }

    /** The links of a lowest-latency usable path that avoids the blocked switches and links, stopping at the target. */
    private int[] shortestAvoiding(int source, int target, boolean[] blockedNode, boolean[] blockedLink) {
        double[] dist = scratchDist;
        int[] pred = scratchPred;
        boolean[] done = scratchDone;
        int[] touched = scratchTouched;
        int[] heapNode = scratchHeapNode;
        double[] heapKey = scratchHeapKey;
        int touchedCount = 0;
        dist[source] = 0;
        pred[source] = -1;
        touched[touchedCount++] = source;
        int size = IndexHeap.push(heapNode, heapKey, 0, source, 0);
        while (size > 0) {
            int u = heapNode[0];
            double du = heapKey[0];
            size = IndexHeap.pop(heapNode, heapKey, size);
            if (done[u]) {
                continue;
            }
            done[u] = true;
            if (u == target) {
                break;
            }
            for (int e = net.adjStart[u]; e < net.adjStart[u + 1]; e++) {
                int link = net.adjLink[e];
                int v = net.adjTarget[e];
                if (!usable[link] || blockedLink[link] || blockedNode[v]) {
                    continue;
                }
                double nd = du + net.linkLatency[link];
                if (nd < dist[v]) {
                    if (dist[v] == Double.POSITIVE_INFINITY) {
                        touched[touchedCount++] = v;
                    }
                    dist[v] = nd;
                    pred[v] = link;
                    size = IndexHeap.push(heapNode, heapKey, size, v, nd);
                }
            }
        }
        int[] out = null;
        if (done[target]) {
            int count = 0;
            for (int v = target; v != source; v = net.adjacentEnd(pred[v], v)) {
                count++;
            }
            out = new int[count];
            for (int v = target; v != source; v = net.adjacentEnd(pred[v], v)) {
                out[--count] = pred[v];
            }
        }
        for (int i = 0; i < touchedCount; i++) { // reset only what this search touched
            dist[touched[i]] = Double.POSITIVE_INFINITY;
            done[touched[i]] = false;
        }
        return out;
    }
}
