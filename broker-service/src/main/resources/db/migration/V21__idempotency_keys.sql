-- An order may carry an Idempotency-Key: per buyer, a key names one chain, stored in the chain's own transaction.
ALTER TABLE chain ADD COLUMN idempotency_key VARCHAR(255);
CREATE UNIQUE INDEX chain_idempotency ON chain (buyer_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
