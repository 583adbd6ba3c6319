package org.chainmarket.broker.security;

import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.chainmarket.broker.chain.OperationConflictException;
import org.chainmarket.schemas.events.FieldError;
import org.chainmarket.schemas.events.InvalidInputException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Accounts in PostgreSQL, their passwords hashed with BCrypt ({@code chainmarket.security.bcrypt-strength}, default
 * 10). Checking a password costs the same whether the account exists or not, so answers do not tell which names
 * exist. Accounts listed under {@code chainmarket.security.accounts} are created at start when missing.
 */
@Singleton
public class Accounts {
    private static final Logger LOG = LoggerFactory.getLogger(Accounts.class);
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    static final int MIN_PASSWORD = 8;
    /** BCrypt reads at most 72 bytes of a password; longer ones are refused rather than silently cut. */
    static final int MAX_PASSWORD_BYTES = 72;
    private final EntityManager em;
    private final BCryptPasswordEncoder encoder;
    /** What a password of an unknown name is checked against (made beside the rest of start-up, as it costs a BCrypt). */
    private final CompletableFuture<String> unknownAccountHash;
    private final List<BootstrapAccount> bootstrap;

    public Accounts(EntityManager em, @Value("${chainmarket.security.bcrypt-strength:10}") int strength,
                    List<BootstrapAccount> bootstrap) {
        this.em = em;
        this.encoder = new BCryptPasswordEncoder(strength);
        this.unknownAccountHash = CompletableFuture.supplyAsync(() -> encoder.encode("no account has this password"));
        this.bootstrap = bootstrap;
    }

    /** What an admin asks for: a new account. */
    public record NewAccount(String username, String password, Role role, String party) {
    }

    /** An account as it is shown (never its hash). */
    public record Account(String username, Role role, String party, Instant createdAt, String createdBy) {
        static Account of(AccountEntity e) {
            return new Account(e.username, e.role, e.partyId, e.createdAt, e.createdBy);
        }
    }

    @EventListener
    void createBootstrapAccounts(StartupEvent event) {
        List<BootstrapAccount> missing = bootstrap.stream().filter(b -> find(b.getUsername()).isEmpty()).toList();
        // start-up waits for these, and BCrypt is most of what creating an account costs: the passwords are hashed side by side
        Map<String, String> hashes = new ConcurrentHashMap<>();
        missing.parallelStream().filter(b -> check(asNew(b)).isEmpty()).forEach(b -> hashes.put(b.getUsername(), encoder.encode(b.getPassword())));
        for (BootstrapAccount b : missing) {
            List<FieldError> errors = check(asNew(b));
            if (!errors.isEmpty()) {
                throw new IllegalStateException("chainmarket.security.accounts." + b.getUsername() + ": "
                        + new InvalidInputException("account", errors).getMessage());
            }
            if (createIfMissing(asNew(b), "configuration", hashes.get(b.getUsername()))) {
                LOG.info("created {} account '{}'{}", b.getRole(), b.getUsername(), b.getParty() == null ? "" : " for " + b.getParty());
            }
            // else another broker replica starting at the same time created it first: nothing failed, nothing to log
        }
    }

    /**
     * Creates a configured account unless one of that name exists, in one statement that a replica creating the same
     * account at the same moment cannot make fail (a failed insert would log an error in Hibernate and PostgreSQL).
     * True when this call created it. {@code a} has been checked.
     */
    @Transactional
    boolean createIfMissing(NewAccount a, String createdBy, String passwordHash) {
        return em.createNativeQuery("INSERT INTO account (username, password_hash, role, party_id, created_at, created_by) "
                        + "VALUES (:u, :h, :r, CAST(:p AS VARCHAR), :t, :c) ON CONFLICT (username) DO NOTHING")
                .setParameter("u", a.username())
                .setParameter("h", passwordHash)
                .setParameter("r", a.role().name())
                .setParameter("p", a.party())
                .setParameter("t", java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC))
                .setParameter("c", createdBy)
                .executeUpdate() == 1;
    }

    private static NewAccount asNew(BootstrapAccount b) {
        return new NewAccount(b.getUsername(), b.getPassword(), b.getRole(), b.getParty());
    }

    /** The fields at fault in {@code a}; empty when it can be created. */
    public static List<FieldError> check(NewAccount a) {
        List<FieldError> errors = new ArrayList<>();
        if (a.username() == null || !NAME.matcher(a.username()).matches()) {
            errors.add(new FieldError("$.username", "must be 1-128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit"));
        }
        if (a.password() == null || a.password().length() < MIN_PASSWORD
                || a.password().getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            errors.add(new FieldError("$.password", "must be " + MIN_PASSWORD + " characters to " + MAX_PASSWORD_BYTES + " bytes (UTF-8)"));
        } else if (a.password().chars().anyMatch(Character::isISOControl)) {
            errors.add(new FieldError("$.password", "must not contain control characters"));
        }
        if (a.role() == null) {
            errors.add(new FieldError("$.role", "must be one of PROVIDER, BUYER, OPERATOR, ADMIN"));
        } else if (a.role().hasParty() && (a.party() == null || !NAME.matcher(a.party()).matches())) {
            errors.add(new FieldError("$.party", "a " + a.role() + " account acts for one " + a.role().name().toLowerCase()
                    + " id: 1-128 letters, digits, '.', '_', ':' or '-'"));
        } else if (!a.role().hasParty() && a.party() != null) {
            errors.add(new FieldError("$.party", "a " + a.role() + " account acts for no party"));
        }
        return errors;
    }

    /** Creates an account; {@link InvalidInputException} naming the fields at fault, {@link OperationConflictException} when the name is taken. */
    @Transactional
    public Account create(NewAccount a, String createdBy) {
        return create(a, createdBy, null);
    }

    /** As {@link #create(NewAccount, String)}, with {@code a}'s password hashed beforehand by this service's encoder (null: hashed here). */
    @Transactional
    Account create(NewAccount a, String createdBy, String passwordHash) {
        List<FieldError> errors = check(a);
        if (!errors.isEmpty()) {
            throw new InvalidInputException("account", errors);
        }
        if (em.find(AccountEntity.class, a.username()) != null) {
            throw new OperationConflictException("An account named '" + a.username() + "' exists already.");
        }
        AccountEntity e = new AccountEntity();
        e.username = a.username();
        e.passwordHash = passwordHash != null ? passwordHash : encoder.encode(a.password());
        e.role = a.role();
        e.partyId = a.party();
        e.createdAt = Instant.now();
        e.createdBy = createdBy;
        em.persist(e);
        return Account.of(e);
    }

    /** The caller these credentials belong to, or empty (wrong name or password, alike). */
    @Transactional
    public Optional<Caller> authenticate(String username, String password) {
        AccountEntity e = username == null || !NAME.matcher(username).matches() ? null : em.find(AccountEntity.class, username);
        String pw = password == null ? "" : password;
        boolean matches = pw.getBytes(StandardCharsets.UTF_8).length <= MAX_PASSWORD_BYTES
                && encoder.matches(pw, e == null ? unknownAccountHash.join() : e.passwordHash);
        return e != null && matches ? Optional.of(new Caller(e.username, e.role, e.partyId)) : Optional.empty();
    }

    @Transactional
    public Optional<Account> find(String username) {
        return Optional.ofNullable(em.find(AccountEntity.class, username)).map(Account::of);
    }

    @Transactional
    public List<Account> list() {
        return em.createQuery("SELECT a FROM AccountEntity a ORDER BY a.username", AccountEntity.class).getResultList()
                .stream().map(Account::of).toList();
    }

    /** Deletes an account; false when there is none. Tokens already issued to it stay valid until they expire. */
    @Transactional
    public boolean delete(String username) {
        return em.createQuery("DELETE FROM AccountEntity a WHERE a.username = :u").setParameter("u", username).executeUpdate() > 0;
    }
}
