/** Placement as its own process: what it reads from Kafka, when it re-plans, what it publishes, and approvals. */
package org.chainmarket.placement.service;
