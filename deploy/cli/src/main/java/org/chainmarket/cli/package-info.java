/** The command-line client of the marketplace's REST API. */
package org.chainmarket.cli;
