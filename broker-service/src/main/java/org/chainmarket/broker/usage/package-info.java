/** Usage and invoices: the segments a running chain accrues (per hop, offer, bandwidth and price) and what they cost over a period. */
package org.chainmarket.broker.usage;
