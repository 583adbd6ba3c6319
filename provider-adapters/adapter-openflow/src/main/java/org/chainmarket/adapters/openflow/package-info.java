/** An OpenFlow 1.3 controller (openflowj) that steers a chain's segments through Open vSwitch bridges. */
package org.chainmarket.adapters.openflow;
