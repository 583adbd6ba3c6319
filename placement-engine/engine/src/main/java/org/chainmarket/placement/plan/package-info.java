/** Scoring any plan with the placement constraints, and turning it into decisions with reasons. */
package org.chainmarket.placement.plan;
