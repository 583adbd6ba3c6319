package org.chainmarket.broker.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import jakarta.inject.Singleton;
import org.chainmarket.schemas.events.Json;

/** The REST API writes JSON exactly as the event contracts do. */
@Singleton
public class JsonConfiguration implements BeanCreatedEventListener<ObjectMapper> {
    @Override
    public ObjectMapper onCreated(BeanCreatedEvent<ObjectMapper> event) {
        return Json.configure(event.getBean());
    }
}
