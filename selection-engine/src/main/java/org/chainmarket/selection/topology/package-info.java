/** Reads Internet Topology Zoo GraphML files into switches with coordinates and links with fibre latency. */
package org.chainmarket.selection.topology;
