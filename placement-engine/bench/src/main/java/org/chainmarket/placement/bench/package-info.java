/** The placement benchmark, the seeded demand replay and the exact MILP reference. */
package org.chainmarket.placement.bench;
