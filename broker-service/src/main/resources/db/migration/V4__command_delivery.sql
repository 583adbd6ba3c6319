-- When the outbox relay handed each domain command to Kafka: a domain's delivery timeout counts from then, not from
-- when the command was written (it may wait in the outbox while Kafka is unreachable). Insert-only, so the relay
-- never contends with the chains' own rows; old rows are purged by the deadline sweep.
CREATE TABLE command_delivery (
    command_id   VARCHAR(64) PRIMARY KEY,
    published_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX command_delivery_by_time ON command_delivery (published_at);
