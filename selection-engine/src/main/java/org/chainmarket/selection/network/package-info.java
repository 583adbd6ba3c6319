/** The multi-domain network graph (switches, intra-domain and border links) and bandwidth-aware shortest paths over it. */
package org.chainmarket.selection.network;
