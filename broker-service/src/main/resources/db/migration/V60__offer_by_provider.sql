-- A provider's live offers, read when its domain changes (what the change takes out of the network, or sells again).
CREATE INDEX offer_by_provider ON offer (provider_id) WHERE NOT withdrawn;
