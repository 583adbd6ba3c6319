/** The {@code selection-engine} command line: solves a problem file and writes the concrete chains as JSON. */
package org.chainmarket.selection.cli;
