package org.chainmarket.broker.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.chainmarket.adapters.emulated.EmulatedDomain;
import org.chainmarket.adapters.runner.AdapterRunner;
import org.chainmarket.broker.Callers;
import org.chainmarket.broker.Infra;
import org.chainmarket.broker.registry.MarketReadModel;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.DomainAck.FlowEntry;
import org.chainmarket.schemas.model.DomainCommand;
import org.chainmarket.schemas.model.DomainSegment;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.VnfOffer;
import org.chainmarket.selection.MarketSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.chainmarket.broker.reconcile.ReconcileFixture.call;
import static org.chainmarket.broker.reconcile.ReconcileFixture.chain;
import static org.chainmarket.broker.reconcile.ReconcileFixture.domain;
import static org.chainmarket.broker.reconcile.ReconcileFixture.entries;
import static org.chainmarket.broker.reconcile.ReconcileFixture.rows;

/**
 * Reconciliation end to end on the real embedded Kafka and PostgreSQL, with emulated domains behind real adapter
 * runners (reporting every 300 ms): a domain restarted empty gets back exactly what its ACTIVE chains need, and what a
 * domain holds that no chain owns is removed, while the chains' views say what each domain last reported.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReconcileKafkaTest implements TestPropertyProvider {
    static final Duration WAIT = Duration.ofSeconds(60);
    static final Duration REPORTS = Duration.ofMillis(300);
    @Inject
    @Client("/")
    HttpClient http;
    @Inject
    MarketReadModel market;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>(Callers.properties());
        p.put("chainmarket.delivery-timeout", "30s");
        p.put("chainmarket.reconcile.clock-skew", "200ms");
        return p;
    }

    static AdapterRunner runner(EmulatedDomain domain, List<VnfOffer> offers) {
        AdapterRunner r = new AdapterRunner(Infra.bootstrapServers(), domain, offers, Infra.kafka().adapter(domain.domain().providerId()),
                null, REPORTS);
        r.start();
        return r;
    }

    /** Orders {@code n} chains as the buyer and waits until each is ACTIVE; answers their ids. */
    List<String> activeChains(String p, int n, String token) {
        // what the order needs, as selection sees it: both domains' switches (a domain and its offers arrive apart) and both offers
        await().atMost(WAIT).until(() -> {
            MarketSnapshot s = market.snapshot();
            return s.network().hasSwitch(p + "w1") && s.network().hasSwitch(p + "e2")
                    && s.offers().stream().map(o -> o.offer().offerId().value()).toList().containsAll(List.of(p + "-dpi-0", p + "-fw-0"));
        });
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            var answer = call(http, token, HttpRequest.POST("/api/v1/chains", ReconcileFixture.order(p)));
            assertThat(answer.code()).as("%s", answer.body()).isEqualTo(201);
            ids.add(answer.body().get("chainId").asText());
        }
        for (String id : ids) {
            await().atMost(WAIT).until(() -> chain(http, token, id).path("state").asText().equals("ACTIVE"));
        }
        return ids;
    }

    @Test
    void aDomainRestartedEmptyGetsBackExactlyWhatItsActiveChainsNeed() throws Exception {
        String p = "ra";
        String token = Callers.token(http, Callers.BUYER);
        ProviderDomain east = ReconcileFixture.east(p);
        EmulatedDomain westDomain = new EmulatedDomain(ReconcileFixture.west(p), ReconcileFixture.westOffers(p));
        EmulatedDomain eastDomain = new EmulatedDomain(east, ReconcileFixture.eastOffers(p));
        AdapterRunner eastRunner = runner(eastDomain, ReconcileFixture.eastOffers(p));
        try (AdapterRunner westRunner = runner(westDomain, ReconcileFixture.westOffers(p))) {
            List<String> chains = activeChains(p, 3, token);
            Set<FlowEntry> needed = new HashSet<>();
            for (String id : chains) {
                JsonNode view = chain(http, token, id);
                needed.addAll(entries(view, p + "-east"));
            }
            assertThat(needed).isNotEmpty();
            assertThat(new HashSet<>(eastDomain.allEntries())).isEqualTo(needed);

            eastRunner.close();
            Instant restarted = Instant.now();
            EmulatedDomain fresh = new EmulatedDomain(east, ReconcileFixture.eastOffers(p));
            assertThat(fresh.allEntries()).isEmpty();
            eastRunner = runner(fresh, ReconcileFixture.eastOffers(p));

            await().atMost(WAIT).untilAsserted(() -> assertThat(new HashSet<>(fresh.allEntries())).isEqualTo(needed));
            for (String id : chains) {
                await().atMost(WAIT).untilAsserted(() -> {
                    JsonNode d = domain(chain(http, token, id), p + "-east");
                    assertThat(d.path("status").asText()).isEqualTo("INSTALLED");
                    assertThat(d.path("flowState").asText()).isEqualTo("HELD");
                    assertThat(Instant.parse(d.path("reportedAt").asText())).isAfter(restarted);
                });
                assertThat(fresh.trace(ChainId.of(id), p + "e1", "border:" + p + "w2", 1).delivered()).isTrue();
            }
            // the buyer's list (read in a few queries for all its chains) shows each chain as its own GET does,
            // what its domains last said included (read again if a domain's periodic report came in between)
            for (String id : chains) {
                await().atMost(WAIT).untilAsserted(() -> assertThat(call(http, token, HttpRequest.GET("/api/v1/chains?limit=1000"))
                        .body()).filteredOn(c -> c.path("chainId").asText().equals(id)).singleElement()
                        .isEqualTo(chain(http, token, id)));
            }
            await().atMost(WAIT).untilAsserted(() -> assertThat(rows("SELECT DISTINCT chain_id FROM reconcile_command WHERE provider_id = ? "
                    + "AND operation = 'SETUP' AND success", p + "-east")).extracting(r -> r.get(0)).containsExactlyInAnyOrderElementsOf(chains));
            assertThat(rows("SELECT count(*) FROM reconcile_command WHERE provider_id = ? AND operation = 'TEARDOWN'", p + "-east"))
                    .containsExactly(List.of("0"));
            assertThat(rows("SELECT count(*) FROM reconcile_command WHERE provider_id = ?", p + "-west")).containsExactly(List.of("0"));
            assertThat(new HashSet<>(westDomain.allEntries())).hasSize(westDomain.allEntries().size());
        } finally {
            eastRunner.close();
        }
    }

    @Test
    void whatADomainHoldsThatNoChainOwnsIsRemovedAndTheRestKept() throws Exception {
        String p = "rb";
        String token = Callers.token(http, Callers.BUYER);
        EmulatedDomain westDomain = new EmulatedDomain(ReconcileFixture.west(p), ReconcileFixture.westOffers(p));
        EmulatedDomain eastDomain = new EmulatedDomain(ReconcileFixture.east(p), ReconcileFixture.eastOffers(p));
        try (AdapterRunner eastRunner = runner(eastDomain, ReconcileFixture.eastOffers(p));
             AdapterRunner westRunner = runner(westDomain, ReconcileFixture.westOffers(p))) {
            List<String> chains = activeChains(p, 2, token);
            String kept = chains.get(0);
            String ended = chains.get(1);
            List<DomainSegment> endedSegments = new ArrayList<>();
            chain(http, token, ended).path("domains").forEach(d -> {
                if (d.path("providerId").asText().equals(p + "-west")) {
                    d.path("segments").forEach(s -> endedSegments.add(org.chainmarket.schemas.events.Json.MAPPER.convertValue(s, DomainSegment.class)));
                }
            });
            assertThat(call(http, token, HttpRequest.DELETE("/api/v1/chains/" + ended)).code()).isEqualTo(202);
            await().atMost(WAIT).until(() -> chain(http, token, ended).path("state").asText().equals("TERMINATED"));
            assertThat(westDomain.chains()).containsExactly(ChainId.of(kept));

            // a tear-down the domain lost, and a chain the marketplace never had
            westDomain.apply(new DomainCommand("stale-" + ended, ChainId.of(ended), westDomain.domain().providerId(),
                    DomainCommand.Operation.SETUP, 10, endedSegments, null));
            DomainSegment ghost = new DomainSegment(westDomain.domain().providerId(), 0, 0, new DomainSegment.Attachment(p + "w1", null),
                    List.of(), new DomainSegment.Attachment(p + "w2", null));
            westDomain.apply(new DomainCommand("ghost-cmd", ChainId.of(p + "-ghost"), westDomain.domain().providerId(),
                    DomainCommand.Operation.SETUP, 10, List.of(ghost), null));
            // both carried out (the reconciliation may remove them again before a poll would see three chains held)
            await().atMost(WAIT).until(() -> westDomain.answer("stale-" + ended).isPresent() && westDomain.answer("ghost-cmd").isPresent());
            assertThat(westDomain.answer("stale-" + ended).orElseThrow().success()).isTrue();
            assertThat(westDomain.answer("ghost-cmd").orElseThrow().success()).isTrue();
            Set<FlowEntry> keptEntries = new HashSet<>(westDomain.entriesOf(ChainId.of(kept)));

            await().atMost(WAIT).untilAsserted(() -> assertThat(westDomain.chains()).containsExactly(ChainId.of(kept)));
            assertThat(new HashSet<>(westDomain.allEntries())).isEqualTo(keptEntries);
            assertThat(keptEntries).isEqualTo(entries(chain(http, token, kept), p + "-west"));
            await().atMost(WAIT).untilAsserted(() -> assertThat(rows("SELECT DISTINCT chain_id, operation, success FROM reconcile_command "
                    + "WHERE provider_id = ? AND success", p + "-west")).containsExactlyInAnyOrder(
                    List.of(ended, "TEARDOWN", "t"), List.of(p + "-ghost", "TEARDOWN", "t")));
            assertThat(rows("SELECT count(*) FROM reconcile_command WHERE provider_id = ? AND operation = 'SETUP'", p + "-west"))
                    .containsExactly(List.of("0"));
            assertThat(eastDomain.chains()).containsExactly(ChainId.of(kept));
            JsonNode endedWest = domain(chain(http, token, ended), p + "-west");
            assertThat(endedWest.path("flowState").asText()).isEqualTo("ABSENT");
            assertThat(endedWest.path("flowEntries")).isEmpty();
        }
    }
}
