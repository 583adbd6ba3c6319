/** The pure ingest core: per-instance and per-link state that turns samples into context updates and degradations. */
package org.chainmarket.monitoring.context;
