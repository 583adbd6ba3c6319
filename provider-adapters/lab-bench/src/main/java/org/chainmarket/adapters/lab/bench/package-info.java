/** The namespace lab's benchmark and demo: mains run by hand as root, outside the product's jars. */
package org.chainmarket.adapters.lab.bench;
