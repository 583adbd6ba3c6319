package org.chainmarket.broker.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.context.annotation.Value;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.security.token.generator.TokenGenerator;
import org.chainmarket.broker.security.Accounts;
import org.chainmarket.broker.security.Caller;
import org.chainmarket.schemas.events.FieldError;
import org.chainmarket.schemas.events.InvalidInputException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /api/v1/tokens} with {@code {"username": …, "password": …}} answers a bearer token (JWT, HMAC-SHA256)
 * for the account, valid {@code chainmarket.security.token-lifetime}; with {@code Accept: text/plain} the token
 * alone. Wrong name or password: 401, alike.
 */
@Controller("/api/v1/tokens")
@ExecuteOn(TaskExecutors.BLOCKING)
@Secured(SecurityRule.IS_ANONYMOUS)
public class TokenController {
    private final Accounts accounts;
    private final TokenGenerator tokens;
    private final Duration lifetime;

    public TokenController(Accounts accounts, TokenGenerator tokens, @Value("${chainmarket.security.token-lifetime:1h}") Duration lifetime) {
        this.accounts = accounts;
        this.tokens = tokens;
        this.lifetime = lifetime;
    }

    @Post(consumes = MediaType.APPLICATION_JSON, produces = {MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN})
    public HttpResponse<?> issue(HttpRequest<?> request, @Body byte[] body) {
        JsonNode json = Bodies.object(body);
        List<FieldError> errors = new ArrayList<>();
        String username = Bodies.text(json, "username", errors);
        String password = Bodies.text(json, "password", errors);
        Bodies.only(json, List.of("username", "password"), errors);
        if (!errors.isEmpty()) {
            throw new InvalidInputException("credentials", errors);
        }
        Caller caller = accounts.authenticate(username, password).orElse(null);
        if (caller == null) {
            return Problems.of(HttpStatus.UNAUTHORIZED, "unauthenticated", "Unauthorized", "Unknown username or wrong password.",
                    List.of(), Map.of()).header("WWW-Authenticate", "Bearer realm=\"chainmarket\"");
        }
        Map<String, Object> attributes = caller.party() == null ? Map.of() : Map.of("party", caller.party());
        String token = tokens.generateToken(Authentication.build(caller.username(), List.of(caller.role().name()), attributes),
                (int) lifetime.toSeconds()).orElseThrow(() -> new IllegalStateException("no token could be signed"));
        if (request.accept().stream().anyMatch(m -> m.matches(MediaType.TEXT_PLAIN_TYPE))
                && request.accept().stream().noneMatch(m -> m.matches(MediaType.APPLICATION_JSON_TYPE))) {
            return HttpResponse.ok(token).contentType(MediaType.TEXT_PLAIN_TYPE);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("access_token", token);
        answer.put("token_type", "Bearer");
        answer.put("expires_in", lifetime.toSeconds());
        answer.put("username", caller.username());
        answer.put("role", caller.role());
        if (caller.party() != null) {
            answer.put("party", caller.party());
        }
        return HttpResponse.ok(answer).contentType(MediaType.APPLICATION_JSON_TYPE);
    }
}
