/** The constraints (hard, medium, soft), their weights, the sequential initializer and the OptaPlanner-backed selector. */
package org.chainmarket.selection.solver;
