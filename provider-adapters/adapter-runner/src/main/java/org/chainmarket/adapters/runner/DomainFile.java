package org.chainmarket.adapters.runner;

import com.fasterxml.jackson.databind.JsonNode;
import org.chainmarket.adapters.api.PathProvider;
import org.chainmarket.adapters.emulated.EmulatedDomain;
import org.chainmarket.adapters.openflow.OpenFlowConfig;
import org.chainmarket.adapters.openflow.OpenFlowDomain;
import org.chainmarket.adapters.srv6.Srv6Config;
import org.chainmarket.adapters.srv6.Srv6Domain;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.InvalidInputException;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.events.SchemaValidator;
import org.chainmarket.schemas.model.CatalogueEntry;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.VnfOffer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A provider's domain description as its adapter runner reads it from a file: the advertised domain
 * ({@code provider-domain} contract), its offers ({@code vnf-offer}), optionally its catalogue ({@code catalogue-entry}:
 * what an emulated domain can start when placement asks), and, for a real data plane, how the domain is
 * wired ({@code openflow}: the controller's listen address and each switch's datapath id and ports; {@code srv6}: each
 * router's namespace, locator and attachments, and each VNF).
 *
 * <pre>{@code
 * {"domain": {...ProviderDomain...}, "offers": [{...VnfOffer...}], "catalogue": [{...CatalogueEntry...}],
 *  "openflow": {"listen": "tcp:127.0.0.1:6653" | "unix:/run/of.sock", "drain": "PT0.02S",
 *               "switches": {"a1": {"datapathId": 1, "ports": {"host": {"toward": "a1-h", "from": "a1-h"}}}}},
 *  "srv6": {"sidSpace": "fcbb::/16", "routers": {...}, "vnfs": {...}}}
 * }</pre>
 */
public record DomainFile(ProviderDomain domain, List<VnfOffer> offers, List<CatalogueEntry> catalogue, JsonNode openflow, JsonNode srv6) {
    /** The data planes an adapter runner can drive. */
    public enum Kind { EMULATED, OPENFLOW, SRV6 }

    public DomainFile {
        offers = offers == null ? List.of() : List.copyOf(offers);
        catalogue = catalogue == null ? List.of() : List.copyOf(catalogue);
    }

    /**
     * Reads and checks the file: the domain and every offer against their contracts.
     *
     * @throws IllegalArgumentException naming the file and what is wrong in it
     */
    public static DomainFile read(Path path) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(Files.readAllBytes(path));
        } catch (IOException e) {
            throw new IllegalArgumentException("domain file " + path + " cannot be read: " + e.getMessage(), e);
        }
        if (root == null || !root.has("domain")) {
            throw new IllegalArgumentException("domain file " + path + " has no \"domain\"");
        }
        try {
            ProviderDomain domain = SchemaValidator.read(EventType.PROVIDER_DOMAIN_ADVERTISED.schema(),
                    Json.MAPPER.writeValueAsBytes(root.get("domain")), ProviderDomain.class);
            List<VnfOffer> offers = new ArrayList<>();
            for (JsonNode o : root.path("offers")) {
                offers.add(SchemaValidator.read(EventType.OFFER_ADVERTISED.schema(), Json.MAPPER.writeValueAsBytes(o), VnfOffer.class));
            }
            List<CatalogueEntry> catalogue = new ArrayList<>();
            for (JsonNode e : root.path("catalogue")) {
                catalogue.add(SchemaValidator.read(EventType.CATALOGUE_ENTRY_ADVERTISED.schema(), Json.MAPPER.writeValueAsBytes(e),
                        CatalogueEntry.class));
            }
            return new DomainFile(domain, offers, catalogue, root.get("openflow"), root.get("srv6"));
        } catch (InvalidInputException | IOException e) {
            throw new IllegalArgumentException("domain file " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * The provider of this domain for {@code kind}: an emulated domain reporting telemetry for its offers, an OpenFlow
     * controller listening for its switches, or the kernel's SRv6 in the described namespaces.
     *
     * @throws IllegalArgumentException when the file lacks the wiring that kind needs
     */
    public PathProvider provider(Kind kind) {
        return switch (kind) {
            case EMULATED -> new EmulatedDomain(domain, offers, catalogue);
            case OPENFLOW -> new OpenFlowDomain(openFlowConfig());
            case SRV6 -> new Srv6Domain(srv6Config());
        };
    }

    private OpenFlowConfig openFlowConfig() {
        OpenFlowWiring w = wiring(openflow, "openflow", OpenFlowWiring.class);
        return new OpenFlowConfig(domain, address(w.listen()), w.switches(), w.drain());
    }

    private Srv6Config srv6Config() {
        Srv6Wiring w = wiring(srv6, "srv6", Srv6Wiring.class);
        return new Srv6Config(domain, w.routers(), w.vnfs(), w.sidSpace(), w.drain());
    }

    private <T> T wiring(JsonNode node, String name, Class<T> type) {
        if (node == null) {
            throw new IllegalArgumentException("domain " + domain.providerId() + " has no \"" + name + "\" wiring in its file");
        }
        try {
            return Json.MAPPER.treeToValue(node, type);
        } catch (IOException e) {
            throw new IllegalArgumentException("domain " + domain.providerId() + ": \"" + name + "\" is invalid: " + e.getMessage(), e);
        }
    }

    /** {@code tcp:host:port} or {@code unix:/path}. */
    static SocketAddress address(String text) {
        String t = text == null ? "" : text.trim();
        if (t.startsWith("unix:")) {
            return UnixDomainSocketAddress.of(t.substring("unix:".length()));
        }
        int colon = t.lastIndexOf(':');
        if (t.startsWith("tcp:") && colon > "tcp:".length()) {
            return new InetSocketAddress(t.substring("tcp:".length(), colon), Integer.parseInt(t.substring(colon + 1)));
        }
        throw new IllegalArgumentException("listen must be tcp:<host>:<port> or unix:<path> but was '" + text + "'");
    }

    /** {@code emulated}, {@code openflow} or {@code srv6}, in any case. */
    static Kind kind(String text) {
        return Kind.valueOf(text.trim().toUpperCase(Locale.ROOT));
    }

    record OpenFlowWiring(String listen, Map<String, OpenFlowConfig.SwitchBinding> switches, Duration drain) {
    }

    record Srv6Wiring(Map<String, Srv6Config.Router> routers, Map<String, Srv6Config.Vnf> vnfs, String sidSpace,
                      Duration drain) {
    }
}
