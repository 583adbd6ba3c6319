/** The placement problem as given: sites, catalogue, running instances, demand and latencies. */
package org.chainmarket.placement.model;
