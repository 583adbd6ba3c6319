/** Thresholds per metric, by default, by VNF type and from an offer's declared scale thresholds, and the window settings. */
package org.chainmarket.monitoring.policy;
