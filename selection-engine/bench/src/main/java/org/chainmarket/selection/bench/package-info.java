/** The benchmark that compares greedy, solver and exact on generated problems over the bundled topologies and prints a table. */
package org.chainmarket.selection.bench;
