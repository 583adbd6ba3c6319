/** Fixed-size sliding windows over time-stamped samples, with moving average and percentiles. */
package org.chainmarket.monitoring.window;
