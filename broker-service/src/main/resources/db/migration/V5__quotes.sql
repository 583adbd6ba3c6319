-- Quotes: the Pareto front of chains answered for an order, kept until they expire so that an order naming one gets
-- the quoted chain (nothing is reserved by a quote). Rows past expires_at are purged when quotes are written.
CREATE TABLE quote (
    id          VARCHAR(64) PRIMARY KEY,
    buyer_id    VARCHAR(128) NOT NULL,
    order_json  TEXT NOT NULL,
    chains_json TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX quote_expires_at ON quote (expires_at);
