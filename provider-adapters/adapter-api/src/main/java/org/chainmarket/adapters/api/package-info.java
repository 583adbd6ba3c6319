/** The southbound SPI: what a provider domain kind implements to carry out the marketplace's path commands. */
package org.chainmarket.adapters.api;
