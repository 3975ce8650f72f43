"""The staff side of wards: pages, forms and reads for ward officers, each limited to the
officer's own units (writes are in wards.services)."""
