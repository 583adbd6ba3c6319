package org.chainmarket.broker.security;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.chainmarket.broker.Callers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Configured accounts are created where missing, also when several broker replicas start on one database at the same
 * moment: each replica's creation either makes the account or finds it made, none fails, and the account is there
 * once, with the configured role, party and password.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BootstrapAccountsTest implements TestPropertyProvider {
    @Inject
    Accounts accounts;

    @Override
    public Map<String, String> getProperties() {
        return Callers.properties();
    }

    @Test
    void replicasCreatingOneConfiguredAccountAtOnceMakeItExactlyOnce() throws Exception {
        Accounts.NewAccount wanted = new Accounts.NewAccount("racing-provider", "a long password", Role.PROVIDER, "racer");
        String hash = new BCryptPasswordEncoder(4).encode(wanted.password());
        int replicas = 4;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(replicas);
        try {
            List<Future<Boolean>> created = new ArrayList<>();
            for (int i = 0; i < replicas; i++) {
                created.add(pool.submit(() -> {
                    go.await();
                    return accounts.createIfMissing(wanted, "configuration", hash);
                }));
            }
            go.countDown();
            int made = 0;
            for (Future<Boolean> f : created) {
                made += f.get() ? 1 : 0;
            }
            assertThat(made).as("replicas that created the account").isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }

        assertThat(accounts.list()).filteredOn(a -> a.username().equals("racing-provider")).singleElement()
                .satisfies(a -> {
                    assertThat(a.role()).isEqualTo(Role.PROVIDER);
                    assertThat(a.party()).isEqualTo("racer");
                    assertThat(a.createdBy()).isEqualTo("configuration");
                });
        assertThat(accounts.authenticate("racing-provider", "a long password")).isPresent();
        assertThat(accounts.createIfMissing(wanted, "configuration", hash)).as("once made, it is found").isFalse();
    }
}
