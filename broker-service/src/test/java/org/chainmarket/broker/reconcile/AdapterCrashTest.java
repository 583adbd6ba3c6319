package org.chainmarket.broker.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.chainmarket.adapters.runner.AdapterMain;
import org.chainmarket.broker.Callers;
import org.chainmarket.broker.Infra;
import org.chainmarket.deploy.embedded.JvmProcess;
import org.chainmarket.deploy.embedded.TopicTail;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.kafka.KafkaAccess;
import org.chainmarket.schemas.model.DomainAck.FlowEntry;
import org.chainmarket.schemas.model.DomainStateReport;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.VnfOffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.chainmarket.broker.reconcile.ReconcileFixture.call;
import static org.chainmarket.broker.reconcile.ReconcileFixture.chain;
import static org.chainmarket.broker.reconcile.ReconcileFixture.entries;

/**
 * The fault test: the east domain's adapter runs as its own process ({@link AdapterMain}, an emulated domain that keeps
 * its flow tables in memory only) and is killed with SIGKILL while chains are being set up, then started again. Every
 * order answered 201 is one chain that ends ACTIVE or FAILED (rolled back), none is left in set-up or tear-down, and
 * what each domain reports holding is exactly what the ACTIVE chains need there: nothing missing, no orphan.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdapterCrashTest implements TestPropertyProvider {
    static final Duration WAIT = Duration.ofSeconds(120);
    static final String P = "rk";
    static final int ORDERS = 12;
    @Inject
    @Client("/")
    HttpClient http;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>(Callers.properties());
        p.put("chainmarket.delivery-timeout", "4s");
        p.put("chainmarket.reconcile.clock-skew", "200ms");
        return p;
    }

    static JvmProcess adapter(Path dir, ProviderDomain domain, List<VnfOffer> offers) throws Exception {
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("domain", domain);
        file.put("offers", offers);
        Path path = dir.resolve(domain.providerId().value() + ".json");
        Files.write(path, Json.bytes(file));
        // the provider's own principal, as a client properties file
        Path credentials = KafkaAccess.writeProperties(Infra.kafka().adapter(domain.providerId()),
                dir.resolve(domain.providerId().value() + ".kafka.properties"));
        return JvmProcess.start(AdapterMain.class.getName(), List.of("--domain", path.toString(), "--kind", "emulated",
                "--report-interval-ms", "500", "--health-port", "-1", "--kafka-properties", credentials.toString()),
                Map.of("KAFKA_BOOTSTRAP_SERVERS", Infra.bootstrapServers()));
    }

    @Test
    void anAdapterKilledMidSetUpAndRestartedLeavesEveryChainSettledAndEveryDomainHoldingWhatActiveChainsNeed(@TempDir Path dir)
            throws Exception {
        String token = Callers.token(http, Callers.BUYER);
        ProviderDomain west = ReconcileFixture.west(P);
        ProviderDomain east = ReconcileFixture.east(P);
        Instant started = Instant.now();
        Infra.kafka().adapter(west.providerId());
        Infra.kafka().adapter(east.providerId());
        try (TopicTail states = new TopicTail(Infra.bootstrapServers(), Infra.admin(), List.of(
                Topics.forProvider(Topics.DOMAIN_STATES, west.providerId()), Topics.forProvider(Topics.DOMAIN_STATES, east.providerId())),
                TopicTail.From.BEGINNING, null);
             JvmProcess westAdapter = adapter(dir, west, ReconcileFixture.westOffers(P))) {
            JvmProcess eastAdapter = adapter(dir, east, ReconcileFixture.eastOffers(P));
            try {
                await().atMost(WAIT).until(() -> call(http, token, HttpRequest.GET("/api/v1/offers/" + P + "-dpi-0")).code() == 200
                        && call(http, token, HttpRequest.GET("/api/v1/offers/" + P + "-fw-0")).code() == 200
                        && latest(states, P + "-east", started) != null && latest(states, P + "-west", started) != null);
                List<String> created = new ArrayList<>();
                for (int i = 0; i < ORDERS; i++) {
                    if (i == 4) {
                        eastAdapter.close(); // SIGKILL, with set-ups in flight
                    }
                    if (i == 8) {
                        eastAdapter = adapter(dir, east, ReconcileFixture.eastOffers(P));
                    }
                    var answer = call(http, token, HttpRequest.POST("/api/v1/chains", ReconcileFixture.order(P)));
                    assertThat(answer.code()).as("%s", answer.body()).isIn(201, 422);
                    if (answer.code() == 201) {
                        created.add(answer.body().get("chainId").asText());
                    }
                }
                assertThat(created).doesNotHaveDuplicates().hasSizeGreaterThan(ORDERS / 2);

                // no chain stuck: each ends ACTIVE or FAILED
                Map<String, String> states0 = new HashMap<>();
                for (String id : created) {
                    await().atMost(WAIT).until(() -> Set.of("ACTIVE", "FAILED").contains(chain(http, token, id).path("state").asText()));
                    states0.put(id, chain(http, token, id).path("state").asText());
                }
                List<String> active = created.stream().filter(id -> states0.get(id).equals("ACTIVE")).toList();
                // every order answered 201 is exactly one chain (and nothing else became one)
                assertThat(ReconcileFixture.rows("SELECT count(*) FROM chain WHERE order_json LIKE ? AND state <> 'REJECTED'",
                        "%\"" + P + "-fw\"%")).containsExactly(List.of(String.valueOf(created.size())));
                Instant settled = Instant.now();

                // what each domain holds (its own report, taken after everything settled) is what ACTIVE chains need
                for (ProviderDomain d : List.of(west, east)) {
                    String provider = d.providerId().value();
                    Map<String, Set<FlowEntry>> needed = new HashMap<>();
                    for (String id : active) {
                        Set<FlowEntry> e = entries(chain(http, token, id), provider);
                        if (!e.isEmpty()) {
                            needed.put(id, e);
                        }
                    }
                    assertThat(needed).as("ACTIVE chains crossing %s", provider).hasSize(active.size());
                    await().atMost(WAIT).untilAsserted(() -> {
                        DomainStateReport r = latest(states, provider, settled.plusSeconds(1));
                        assertThat(r).as("a report of %s after the chains settled", provider).isNotNull();
                        Map<String, Set<FlowEntry>> held = new HashMap<>();
                        r.byChain().forEach((c, e) -> held.put(c.value(), new HashSet<>(e)));
                        assertThat(held).as("what %s holds", provider).isEqualTo(needed);
                    });
                }
                for (String id : active) {
                    JsonNode view = chain(http, token, id);
                    view.path("domains").forEach(dv -> assertThat(dv.path("flowState").asText()).as("%s", dv).isEqualTo("HELD"));
                }
                System.out.printf("adapter crash: %d orders, %d chains, %d ACTIVE, %d FAILED; re-installed %s, orphans removed %s%n",
                        ORDERS, created.size(), active.size(), created.size() - active.size(),
                        ReconcileFixture.rows("SELECT count(DISTINCT chain_id) FROM reconcile_command WHERE provider_id LIKE ? AND operation = 'SETUP'", P + "-%"),
                        ReconcileFixture.rows("SELECT count(DISTINCT chain_id) FROM reconcile_command WHERE provider_id LIKE ? AND operation = 'TEARDOWN'", P + "-%"));
            } finally {
                eastAdapter.close();
            }
        }
    }

    /** The newest report of {@code provider} taken at or after {@code since}, or null. */
    static DomainStateReport latest(TopicTail states, String provider, Instant since) {
        DomainStateReport last = null;
        for (ConsumerRecord<String, byte[]> r : states.records()) {
            if (r.key().equals(provider)) {
                DomainStateReport report = CloudEvents.decode(r).payload(DomainStateReport.class);
                if (!report.at().isBefore(since) && (last == null || report.at().isAfter(last.at()))) {
                    last = report;
                }
            }
        }
        return last;
    }
}
