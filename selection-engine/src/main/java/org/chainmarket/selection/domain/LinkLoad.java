package org.chainmarket.selection.domain;

/** Bandwidth one hop's legs put on one link, in kbit/s. */
public record LinkLoad(LinkFact link, long kbps) {
}
