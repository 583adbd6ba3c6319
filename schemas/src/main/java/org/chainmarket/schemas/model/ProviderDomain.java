package org.chainmarket.schemas.model;

import java.util.List;

/**
 * What a provider advertises of its network: switches (with coordinates), sites where VNFs run,
 * intra-domain links and border links to other providers' switches. Switch ids are global.
 */
public record ProviderDomain(ProviderId providerId, String name, List<Switch> switches, List<Site> sites,
                             List<Link> links, List<BorderLink> borderLinks) {
    public ProviderDomain {
        switches = List.copyOf(switches);
        sites = List.copyOf(sites);
        links = List.copyOf(links);
        borderLinks = borderLinks == null ? List.of() : List.copyOf(borderLinks);
    }

    /** A forwarding element of the domain. */
    public record Switch(String switchId, String name, Double latitude, Double longitude) {
    }

    /** A compute site attached to a switch, where VNF instances run. */
    public record Site(String siteId, String switchId, int cpuCores, int memoryGb) {
    }

    /** An undirected link inside the domain. */
    public record Link(String from, String to, double latencyMs, double bandwidthMbps) {
    }

    /** A link from one of this domain's switches to a switch of another provider. */
    public record BorderLink(String localSwitch, ProviderId remoteProvider, String remoteSwitch,
                             double latencyMs, double bandwidthMbps) {
    }
}
