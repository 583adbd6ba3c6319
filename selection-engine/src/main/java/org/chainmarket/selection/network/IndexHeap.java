package org.chainmarket.selection.network;

/** A binary min-heap of switch indices by key, in two parallel arrays, for the Dijkstra searches of this package. */
final class IndexHeap {
    private IndexHeap() {
    }

    /** Adds {@code node} with {@code key}; returns the new size. */
    static int push(int[] heapNode, double[] heapKey, int size, int node, double key) {
        int i = size;
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (heapKey[parent] <= key) {
                break;
            }
            heapNode[i] = heapNode[parent];
            heapKey[i] = heapKey[parent];
            i = parent;
        }
        heapNode[i] = node;
        heapKey[i] = key;
        return size + 1;
    }

    /** Removes the root (the caller has read it); returns the new size. */
    static int pop(int[] heapNode, double[] heapKey, int size) {
        size--;
        if (size > 0) {
            int node = heapNode[size];
            double key = heapKey[size];
            int i = 0;
            while (true) {
                int c = 2 * i + 1;
                if (c >= size) {
                    break;
                }
                if (c + 1 < size && heapKey[c + 1] < heapKey[c]) {
                    c++;
                }
                if (heapKey[c] >= key) {
                    break;
                }
                heapNode[i] = heapNode[c];
                heapKey[i] = heapKey[c];
                i = c;
            }
            heapNode[i] = node;
            heapKey[i] = key;
        }
        return size;
    }
}
