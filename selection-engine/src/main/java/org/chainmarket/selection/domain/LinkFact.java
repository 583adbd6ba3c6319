package org.chainmarket.selection.domain;

/**
 * A link of the network with the bandwidth still free on it before this problem's chains, in kbit/s;
 * {@code index} numbers the links of one problem from 0.
 */
public record LinkFact(String key, int index, long residualKbps) {
}
