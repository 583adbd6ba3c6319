/** The JSON problem-file format: a topology split among providers, offers with load, chain requests and weights. */
package org.chainmarket.selection.problem;
