package org.chainmarket.selection.network;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Yen's k-shortest loopless paths over a network's index arrays and one bandwidth's usable links: for each path found,
 * one shortest-path search per spur switch that avoids the root path's switches and the links earlier paths leave the
 * same root by, stopping at the target. Each spur search is an A* search guided by the latency from every switch to
 * the target over all usable links (exact there, a lower bound where links are blocked), so it visits little more
 * than the switches near its answer. Scratch arrays are reused and reset only where a search touched them.
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
    private final int[] scratchWalk;
    /** Per switch, the search in which {@link #knownFree} was decided (searches are numbered). */
    private final int[] knownIn;
    private final boolean[] knownFree;
    private int search;

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
        scratchWalk = new int[n];
        knownIn = new int[n];
        knownFree = new boolean[n];
        Arrays.fill(scratchDist, Double.POSITIVE_INFINITY);
    }

    /**
     * Up to {@code k} loopless paths from {@code a} to {@code b} in order of latency, starting with {@code shortest};
     * {@code toTarget[v]} is the latency of the usable shortest path from switch {@code v} to {@code b}, and
     * {@code towardTarget[v]} the first link of that path (-1 at {@code b} and where there is none).
     */
    List<int[]> paths(int a, int b, int[] shortest, int k, double[] toTarget, int[] towardTarget) {
        List<int[]> found = new ArrayList<>(k);
        List<Integer> foundDeviation = new ArrayList<>(k);
        found.add(shortest);
        foundDeviation.add(0);
        List<int[]> candidates = new ArrayList<>();
        List<Double> candidateLatency = new ArrayList<>();
        List<Integer> candidateDeviation = new ArrayList<>();
        int n = net.switchIds.length;
        boolean[] blockedNode = new boolean[n];
        boolean[] blockedLink = new boolean[usable.length];
        while (found.size() < k) {
            int[] last = found.get(found.size() - 1);
            int deviation = foundDeviation.get(found.size() - 1);
            int spur = a;
            double root = 0;
            for (int i = 0; i < last.length; i++) {
                // a path at least as long as the candidates still needed cannot be one of the k
                double limit = nthSmallest(candidateLatency, k - found.size()) - root;
                if (i >= deviation && limit > 0) { // below the deviation, the spur search is the one that found this path's parent (Lawler)
                    for (int[] p : found) {
                        if (p.length > i && samePrefix(p, last, i)) {
                            blockedLink[p[i]] = true;
                        }
                    }
                    int[] spurPath = shortestAvoiding(spur, b, blockedNode, blockedLink, toTarget, towardTarget, limit);
                    for (int[] p : found) {
                        if (p.length > i) {
                            blockedLink[p[i]] = false;
                        }
                    }
                    if (spurPath != null) {
                        int[] total = Arrays.copyOf(last, i + spurPath.length);
                        System.arraycopy(spurPath, 0, total, i, spurPath.length);
                        if (!contains(found, total) && !contains(candidates, total)) {
                            candidates.add(total);
                            candidateLatency.add(latencyOf(total));
                            candidateDeviation.add(i);
                        }
                    }
                }
                blockedNode[spur] = true;
                root += net.linkLatency[last[i]];
                spur = net.adjacentEnd(last[i], spur);
            }
            Arrays.fill(blockedNode, false);
            if (candidates.isEmpty()) {
                break;
            }
            int best = 0;
            for (int c = 1; c < candidates.size(); c++) {
                if (candidateLatency.get(c) < candidateLatency.get(best)) {
                    best = c;
                }
            }
            found.add(candidates.remove(best));
            foundDeviation.add(candidateDeviation.remove(best));
            candidateLatency.remove(best);
        }
        return found;
    }

    /**
     * Whether the shortest path from {@code v} to the target avoids the blocked switches and links; remembered per
     * switch for the current search ({@link #search}), so each switch's path is walked once.
     */
    private boolean free(int v, int target, boolean[] blockedNode, boolean[] blockedLink, int[] towardTarget) {
        int walked = 0;
        boolean free = true;
        while (v != target && knownIn[v] != search) {
            int link = towardTarget[v];
            scratchWalk[walked++] = v;
            if (link < 0 || blockedLink[link]) {
                free = false;
                break;
            }
            v = net.adjacentEnd(link, v);
            if (blockedNode[v]) {
                free = false;
                break;
            }
        }
        if (free && v != target && knownIn[v] == search) {
            free = knownFree[v];
        }
        for (int i = 0; i < walked; i++) {
            knownIn[scratchWalk[i]] = search;
            knownFree[scratchWalk[i]] = free;
        }
        return free;
    }

    /** The {@code n}-th smallest of {@code values} (1 = the least), infinity when there are fewer. */
    private static double nthSmallest(List<Double> values, int n) {
        if (values.size() < n) {
            return Double.POSITIVE_INFINITY;
        }
        double[] sorted = new double[values.size()];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = values.get(i);
        }
        Arrays.sort(sorted);
        return sorted[n - 1];
    }

    private static boolean contains(List<int[]> paths, int[] path) {
        for (int[] p : paths) {
            if (Arrays.equals(p, path)) {
                return true;
            }
        }
        return false;
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

    /**
     * The links of a lowest-latency usable path that avoids the blocked switches and links: A* with the latency to the
     * target over all usable links as its (consistent) estimate. It stops at the first switch taken from the heap whose
     * own shortest path to the target is not blocked: that path meets the estimate, so no path through another open
     * switch is shorter. Null when there is no such path shorter than {@code limit}.
     */
    private int[] shortestAvoiding(int source, int target, boolean[] blockedNode, boolean[] blockedLink, double[] toTarget,
                                   int[] towardTarget, double limit) {
        if (toTarget[source] == Double.POSITIVE_INFINITY) {
            return null;
        }
        double[] dist = scratchDist;
        int[] pred = scratchPred;
        boolean[] done = scratchDone;
        int[] touched = scratchTouched;
        int[] heapNode = scratchHeapNode;
        double[] heapKey = scratchHeapKey;
        int touchedCount = 0;
        int reached = -1;
        search++;
        dist[source] = 0;
        pred[source] = -1;
        touched[touchedCount++] = source;
        int size = IndexHeap.push(heapNode, heapKey, 0, source, toTarget[source]);
        while (size > 0 && heapKey[0] < limit) {
            int u = heapNode[0];
            size = IndexHeap.pop(heapNode, heapKey, size);
            if (done[u]) {
                continue;
            }
            done[u] = true;
            if (u == target || free(u, target, blockedNode, blockedLink, towardTarget)) {
                reached = u;
                break;
            }
            double du = dist[u];
            for (int e = net.adjStart[u]; e < net.adjStart[u + 1]; e++) {
                int link = net.adjLink[e];
                int v = net.adjTarget[e];
                if (!usable[link] || blockedLink[link] || blockedNode[v] || done[v] || toTarget[v] == Double.POSITIVE_INFINITY) {
                    continue;
                }
                double nd = du + net.linkLatency[link];
                if (nd < dist[v]) {
                    if (dist[v] == Double.POSITIVE_INFINITY) {
                        touched[touchedCount++] = v;
                    }
                    dist[v] = nd;
                    pred[v] = link;
                    size = IndexHeap.push(heapNode, heapKey, size, v, nd + toTarget[v]);
                }
            }
        }
        int[] out = null;
        if (reached >= 0) { // the links to the switch reached, then its shortest path on to the target
            int count = 0;
            for (int v = reached; v != source; v = net.adjacentEnd(pred[v], v)) {
                count++;
            }
            int rest = 0;
            for (int v = reached; v != target; v = net.adjacentEnd(towardTarget[v], v)) {
                rest++;
            }
            out = new int[count + rest];
            int at = count;
            for (int v = reached; v != source; v = net.adjacentEnd(pred[v], v)) {
                out[--at] = pred[v];
            }
            at = count;
            for (int v = reached; v != target; v = net.adjacentEnd(towardTarget[v], v)) {
                out[at++] = towardTarget[v];
            }
        }
        for (int i = 0; i < touchedCount; i++) { // reset only what this search touched
            dist[touched[i]] = Double.POSITIVE_INFINITY;
            done[touched[i]] = false;
        }
        return out;
    }
}
