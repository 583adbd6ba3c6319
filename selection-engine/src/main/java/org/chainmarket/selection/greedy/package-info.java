/** The greedy baseline of paper 003's prototype: for each hop, the instance nearest by shortest path. */
package org.chainmarket.selection.greedy;
