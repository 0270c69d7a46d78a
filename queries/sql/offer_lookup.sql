-- Current offers of some years, for checking and completing capacity lines that name an offer.
SELECT year, offer_id, location, ownership FROM offers_rows WHERE draft_visible AND list_contains($1::INTEGER[], year);
