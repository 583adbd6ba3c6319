/** Threshold crossing with hysteresis and a minimum dwell, and the heartbeat watchdog that declares an instance down. */
package org.chainmarket.monitoring.detect;
