/** Exact single-chain selection: a constrained shortest path over the layered hop graph with Pareto labels. */
package org.chainmarket.selection.exact;
