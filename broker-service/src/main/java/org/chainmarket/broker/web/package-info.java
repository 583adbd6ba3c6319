/** The northbound REST API (chains, providers, offers) and its RFC 9457 problem responses. */
package org.chainmarket.broker.web;
