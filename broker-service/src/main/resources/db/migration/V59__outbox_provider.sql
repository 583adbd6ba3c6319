-- The provider whose own topic an outbox event goes to (a per-provider family: its domain, offers, commands); null for
-- shared topics. Needed for a tombstone, whose body cannot say whose offer it withdraws.
ALTER TABLE outbox ADD COLUMN provider_id VARCHAR(128);
