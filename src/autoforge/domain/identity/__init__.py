"""Who acts, and for which tenant."""
