/** Maps an abstract chain order to a concrete chain over the providers' offers and network: the selector interface, market snapshot and result. */
package org.chainmarket.selection;
