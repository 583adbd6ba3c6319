package org.chainmarket.broker.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import org.chainmarket.broker.security.Accounts;
import org.chainmarket.broker.security.Role;
import org.chainmarket.schemas.events.FieldError;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Admins' API over accounts: {@code POST /api/v1/accounts} with {@code {"username", "password", "role", "party"}}
 * (party: the provider or buyer id a PROVIDER or BUYER account acts for), list, read and delete. Passwords are never
 * answered, only kept as hashes.
 */
@Controller("/api/v1/accounts")
@ExecuteOn(TaskExecutors.BLOCKING)
@Secured("ADMIN")
public class AccountController {
    private final Accounts accounts;

    public AccountController(Accounts accounts) {
        this.accounts = accounts;
    }

    @Post(consumes = MediaType.APPLICATION_JSON)
    public HttpResponse<Accounts.Account> create(Authentication authentication, @Body byte[] body) {
        JsonNode json = Bodies.object(body);
        List<FieldError> errors = new ArrayList<>();
        String username = Bodies.text(json, "username", errors);
        String password = Bodies.text(json, "password", errors);
        String role = Bodies.text(json, "role", errors);
        String party = Bodies.optionalText(json, "party", errors);
        Bodies.only(json, List.of("username", "password", "role", "party"), errors);
        Bodies.check("account", errors);
        Role r = Params.oneOf("$.role", role, Role.class);
        Accounts.Account created = accounts.create(new Accounts.NewAccount(username, password, r, party), authentication.getName());
        return HttpResponse.created(created, URI.create("/api/v1/accounts/" + created.username()));
    }

    @Get
    public List<Accounts.Account> list() {
        return accounts.list();
    }

    @Get("/{username}")
    public HttpResponse<?> get(@PathVariable String username) {
        Params.id("username", username);
        return accounts.find(username).<HttpResponse<?>>map(HttpResponse::ok).orElseGet(() -> Problems.notFound("account", username));
    }

    @Delete("/{username}")
    public HttpResponse<?> delete(@PathVariable String username) {
        Params.id("username", username);
        return accounts.delete(username) ? HttpResponse.noContent() : Problems.notFound("account", username);
    }
}
