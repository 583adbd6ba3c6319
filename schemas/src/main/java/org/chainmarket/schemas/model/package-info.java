/** Immutable records of the marketplace's contracts: provider domains, VNF offers, chain orders, concrete chains and domain commands. */
package org.chainmarket.schemas.model;
