/** The placement constraints, their weights and the OptaPlanner planner. */
package org.chainmarket.placement.solver;
