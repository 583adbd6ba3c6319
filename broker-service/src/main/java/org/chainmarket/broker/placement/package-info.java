/** The broker's side of VNF placement: demand reports for the placement service, and drains of instances it stops or moves. */
package org.chainmarket.broker.placement;
