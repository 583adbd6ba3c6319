/** The placement problem as OptaPlanner sees it: cells with an instance count, demand units with the cell serving them. */
package org.chainmarket.placement.domain;
