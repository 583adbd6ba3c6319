/** Placement as its own program: what it reads from Kafka, when it re-plans, the commands it sends, and approvals over HTTP. */
package org.chainmarket.placement.service;
