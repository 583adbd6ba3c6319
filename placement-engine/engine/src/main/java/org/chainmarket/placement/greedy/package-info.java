/** The first-fit baseline planner. */
package org.chainmarket.placement.greedy;
