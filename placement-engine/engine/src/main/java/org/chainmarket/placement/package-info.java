/** VNF instance placement: how many instances of each type each provider runs at each of its sites. */
package org.chainmarket.placement;
