/** The planning problem OptaPlanner solves: one entity per hop of each chain, offers, chains and precomputed paths as facts. */
package org.chainmarket.selection.domain;
