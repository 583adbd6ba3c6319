/** A synthetic fleet of VNF instances and links, and the load generator that replays telemetry scenarios to Kafka. */
package org.chainmarket.monitoring.load;
