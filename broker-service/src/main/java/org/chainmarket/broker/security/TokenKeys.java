package org.chainmarket.broker.security;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.micronaut.security.token.jwt.signature.SignatureGeneratorConfiguration;
import io.micronaut.security.token.jwt.signature.secret.SecretSignature;
import io.micronaut.security.token.jwt.signature.secret.SecretSignatureConfiguration;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The key that signs and checks bearer tokens (HMAC-SHA256). {@code chainmarket.security.token-secret} (at least 32
 * bytes) sets it, and every broker replica must share it; without it a random key is made at start, so tokens last
 * only as long as the process. The bean is the signature itself, named {@code generator}: the token generator signs
 * with it and the token validator checks with it, and with a signature configured an unsigned token ({@code alg:
 * none}) is refused. The method's type is the interface on purpose: a factory method's bean takes the annotations of
 * the class it returns, and {@code SecretSignatureConfiguration} ({@code @EachProperty}) or {@code SecretSignature}
 * ({@code @EachBean}) would make this bean exist only per configured property, i.e. never, so tokens went out
 * unsigned and unsigned ones were believed. {@code TokenSignatureTest} holds this.
 */
@Factory
class TokenKeys {
    private static final Logger LOG = LoggerFactory.getLogger(TokenKeys.class);
    static final int MIN_SECRET_BYTES = 32;

    @Singleton
    @Named("generator")
    SignatureGeneratorConfiguration generator(@Value("${chainmarket.security.token-secret:}") String secret) {
        SecretSignatureConfiguration c = new SecretSignatureConfiguration("generator");
        if (secret.isBlank()) {
            byte[] random = new byte[MIN_SECRET_BYTES];
            new SecureRandom().nextBytes(random);
            c.setSecret(Base64.getEncoder().encodeToString(random));
            c.setBase64(true);
            LOG.info("tokens are signed with a key made at start (set chainmarket.security.token-secret to keep them valid across restarts and replicas)");
        } else if (secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new IllegalStateException("chainmarket.security.token-secret must be at least " + MIN_SECRET_BYTES + " bytes long");
        } else {
            c.setSecret(secret);
        }
        return new SecretSignature(c);
    }
}
